import { eventMatchesPattern } from './identifiers';
import { eventSubject, parseEventSubject } from './wire-names';

describe('eventMatchesPattern', () => {
  it.each([
    ['resume.bulk_upload_parse.started', 'resume.bulk_upload_parse.started', true],
    ['resume.bulk_upload_parse.started', 'resume.*', true],
    ['resume.bulk_upload_parse.started', '*', true],
    ['resume.bulk_upload_parse.started', 'resume.*.started', true],
    ['resume.bulk_upload_parse.started', 'resume.*.failed', false],
    ['resume.bulk_upload_parse.started', 'resume', false],
    ['resume', 'resume.*', false],
    ['resumes.created', 'resume.*', false],
    ['transcript.created', 'resume.*', false],
    ['a.b', 'a.b.c', false],
    ['a.b.c', 'a.b', false],
  ])('%s against %s is %s', (event, pattern, expected) => {
    expect(eventMatchesPattern(event, pattern)).toBe(expected);
  });
});

describe('event subjects', () => {
  it('keeps the dots of the event type', () => {
    const subject = eventSubject('acme', 'resume.bulk_upload_parse.started');
    expect(subject).toBe('webhooks.events.acme.resume.bulk_upload_parse.started');
    expect(parseEventSubject(subject)).toEqual({ tenantId: 'acme', eventType: 'resume.bulk_upload_parse.started' });
  });

  it.each(['webhooks.events.acme', 'webhooks.events.acme.', 'webhooks.other.acme.x', 'webhooks.events..x'])('refuses %s', (subject) => {
    expect(parseEventSubject(subject)).toBeUndefined();
  });
});
