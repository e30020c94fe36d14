import type { Collection, Connection } from 'mongoose';

interface PlatformSetting {
  _id: string;
  value: string;
}

/** Platform-wide values kept by config-api (collection `platform_settings`). */
export class PlatformSettingsRepository {
  private readonly settings: Collection<PlatformSetting>;

  constructor(connection: Connection) {
    this.settings = connection.collection<PlatformSetting>('platform_settings');
  }

  async get(id: string): Promise<string | undefined> {
    return (await this.settings.findOne({ _id: id }))?.value;
  }

  /** Stores the value unless one is there already; returns the stored value. */
  async getOrCreate(id: string, create: () => string): Promise<string> {
    const existing = await this.get(id);
    if (existing !== undefined) return existing;
    const value = create();
    try {
      await this.settings.insertOne({ _id: id, value });
      return value;
    } catch (error) {
      if ((error as { code?: number }).code !== 11000) throw error;
      return (await this.get(id)) as string;
    }
  }

  /** Stores the value, replacing any stored one. */
  async put(id: string, value: string): Promise<void> {
    await this.settings.replaceOne({ _id: id }, { value }, { upsert: true });
  }
}
