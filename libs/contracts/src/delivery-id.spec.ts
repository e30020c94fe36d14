import { DeliveryTaskMessage } from './messages/delivery-task.message';
import { validatePlain } from './validation';
import { deliveryIdFor, randomDeliveryId } from './wire-names';

describe('deliveryIdFor', () => {
  it('is stable for the same event and endpoint and differs otherwise', () => {
    const id = deliveryIdFor('acme', 'evt_1', 'ep_aaaaaaaaaaaaaaaaaaaaaaaa');
    expect(id).toMatch(/^msg_[a-z2-7]{26}$/);
    expect(deliveryIdFor('acme', 'evt_1', 'ep_aaaaaaaaaaaaaaaaaaaaaaaa')).toBe(id);
    expect(deliveryIdFor('acme', 'evt_2', 'ep_aaaaaaaaaaaaaaaaaaaaaaaa')).not.toBe(id);
    expect(deliveryIdFor('other', 'evt_1', 'ep_aaaaaaaaaaaaaaaaaaaaaaaa')).not.toBe(id);
    // Pinned: fan-out (dispatcher) and replay (config-api) must keep giving an event this id.
    expect(deliveryIdFor('acme', 'evt_1', 'ep_aaaaaaaaaaaaaaaaaaaaaaaa')).toBe('msg_th5zizsergiqee7y3noupsjb5s');
  });

  it('makes random ids of the same form for deliveries of no event', () => {
    expect(randomDeliveryId()).toMatch(/^msg_[a-z2-7]{26}$/);
    expect(randomDeliveryId()).not.toBe(randomDeliveryId());
  });

  it('fits the delivery task contract', () => {
    const task = validatePlain(DeliveryTaskMessage, {
      deliveryId: deliveryIdFor('acme', 'evt_1', 'ep_aaaaaaaaaaaaaaaaaaaaaaaa'),
      tenantId: 'acme',
      endpointId: 'ep_aaaaaaaaaaaaaaaaaaaaaaaa',
      eventId: 'evt_1',
      eventType: 'a.b',
      body: '{}',
      createdAt: new Date().toISOString(),
      attempt: 1,
      trigger: 'auto',
    });
    expect(task.deliveryId).toMatch(/^msg_/);
  });
});
