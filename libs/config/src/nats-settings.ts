import { X509Certificate, createPrivateKey } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { ValidateBy, type ValidationArguments } from 'class-validator';
import { nkeys } from '@nats-io/transport-node';
import type { NatsAuth, NatsClientSettings, NatsTlsFiles } from '@wirehook/nats';
import { SettingFile, messageOf } from './setting-file';

/** The NATS connection settings of `AppConfig`, as loaded (`*_FILE` secrets read). */
export interface NatsSettings {
  NATS_URL: string;
  NATS_CREDS_FILE?: SettingFile;
  NATS_NKEY_SEED?: string;
  NATS_NKEY_SEED_FILE?: SettingFile;
  NATS_USER?: string;
  NATS_PASSWORD?: string;
  NATS_PASSWORD_FILE?: SettingFile;
  NATS_TOKEN?: string;
  NATS_TOKEN_FILE?: SettingFile;
  NATS_TLS_CA_FILE?: string;
  NATS_TLS_CERT_FILE?: string;
  NATS_TLS_KEY_FILE?: string;
}

type NatsSettingName = keyof NatsSettings;

/** The ways to authenticate, each with the settings that choose it. */
const AUTH_METHODS: ReadonlyArray<readonly NatsSettingName[]> = [
  ['NATS_CREDS_FILE'],
  ['NATS_NKEY_SEED', 'NATS_NKEY_SEED_FILE'],
  ['NATS_USER', 'NATS_PASSWORD', 'NATS_PASSWORD_FILE'],
  ['NATS_TOKEN', 'NATS_TOKEN_FILE'],
];

/** A user NKey seed: `SU` and 56 base32 characters. */
const USER_SEED = /^SU[A-Z2-7]{56}$/;

const AUTH_CHOICES =
  'NATS_CREDS_FILE; NATS_NKEY_SEED or NATS_NKEY_SEED_FILE; NATS_USER with NATS_PASSWORD or NATS_PASSWORD_FILE; NATS_TOKEN or NATS_TOKEN_FILE';

const settingsOf = (args?: ValidationArguments) => (args?.object ?? {}) as NatsSettings;
/** The variable a validation is about. */
const settingOf = (args?: ValidationArguments) => args?.property ?? 'a NATS setting';
const isSet = (settings: NatsSettings, name: NatsSettingName) => settings[name] !== undefined;

/** The authentication settings that are set, in {@link AUTH_METHODS} order, when they choose more than one way. */
function conflictingAuthSettings(settings: NatsSettings): NatsSettingName[] {
  const chosen = AUTH_METHODS.filter((method) => method.some((name) => isSet(settings, name)));
  return chosen.length > 1 ? chosen.flat().filter((name) => isSet(settings, name)) : [];
}

/**
 * Two ways to authenticate at once make no sense (a server checks only one). The error is
 * reported once, on the first of the conflicting settings.
 */
export function IsTheOnlyNatsAuthMethod() {
  return ValidateBy({
    name: 'isTheOnlyNatsAuthMethod',
    validator: {
      validate: (_value: unknown, args) => conflictingAuthSettings(settingsOf(args))[0] !== args?.property,
      defaultMessage: (args) => `${conflictingAuthSettings(settingsOf(args)).join(', ')}: set one way to authenticate to NATS, not several (${AUTH_CHOICES})`,
    },
  });
}

/** A setting that means nothing without one of `partners` (a password without a user, a certificate without its key). */
export function IsSetWith(partners: readonly NatsSettingName[]) {
  return ValidateBy({
    name: 'isSetWith',
    validator: {
      validate: (_value: unknown, args) => partners.some((name) => isSet(settingsOf(args), name)),
      defaultMessage: (args) => `${settingOf(args)} needs ${partners.join(' or ')} as well`,
    },
  });
}

/** A value and its `*_FILE` twin: only one of them may be given. */
export function IsNotSetWith(twin: NatsSettingName) {
  return ValidateBy({
    name: 'isNotSetWith',
    validator: {
      validate: (_value: unknown, args) => !isSet(settingsOf(args), twin),
      defaultMessage: (args) => `${settingOf(args)} and ${twin} are both set: set one of them`,
    },
  });
}

/** The text a setting or its file holds. */
const textOf = (value: unknown) => (value instanceof SettingFile ? value.value : typeof value === 'string' ? value : undefined);

/** A user NKey seed (`SU` and 56 base32 characters, with a valid checksum), given or in a file. */
export function IsUserNkeySeed() {
  return ValidateBy({
    name: 'isUserNkeySeed',
    validator: {
      validate: (value: unknown) => {
        const seed = textOf(value);
        if (seed === undefined || !USER_SEED.test(seed)) return false;
        try {
          nkeys.fromSeed(new TextEncoder().encode(seed));
          return true;
        } catch {
          return false;
        }
      },
      defaultMessage: (args) =>
        `${settingOf(args)} must ${args?.value instanceof SettingFile ? 'hold' : 'be'} a user NKey seed: 58 characters starting with SU (nsc or nk -gen user)`,
    },
  });
}

/** A `.creds` file as `nsc generate creds` writes it: a user JWT, then its NKey seed, each between dashed lines. */
export function IsNatsCredsFile() {
  return ValidateBy({
    name: 'isNatsCredsFile',
    validator: {
      validate: (value: unknown) => {
        const text = value instanceof SettingFile ? value.text : undefined;
        if (text === undefined) return true; // an unreadable file is reported by its own check
        const blocks = [...text.matchAll(/-{3,}[^\n]*-{3,}\r?\n\s*(\S+)\s*\r?\n\s*-{3,}[^\n]*-{3,}/g)].map((match) => match[1]);
        return blocks.length >= 2 && /^[\w-]+\.[\w-]+\.[\w-]+$/.test(blocks[0]) && USER_SEED.test(blocks[1]);
      },
      defaultMessage: (args) => `${settingOf(args)} must be a NATS .creds file holding a user JWT and its NKey seed (nsc generate creds)`,
    },
  });
}

/** Why a PEM file of certificates or of a private key cannot be used, or undefined when it can. */
function pemFileProblem(path: unknown, kind: 'certificate' | 'private key'): string | undefined {
  if (typeof path !== 'string') return 'not a path';
  let pem: string;
  try {
    pem = readFileSync(path, 'utf8');
  } catch (error) {
    return messageOf(error);
  }
  try {
    if (kind === 'certificate') new X509Certificate(pem);
    else createPrivateKey(pem);
    return undefined;
  } catch {
    return `no PEM ${kind} in it`;
  }
}

/** A readable PEM file of a certificate (the first one counts) or of a private key. */
export function IsPemFile(kind: 'certificate' | 'private key') {
  return ValidateBy({
    name: 'isPemFile',
    validator: {
      validate: (value: unknown) => pemFileProblem(value, kind) === undefined,
      defaultMessage: (args) => `${settingOf(args)} must name a readable PEM ${kind} file (${pemFileProblem(args?.value, kind)})`,
    },
  });
}

/** The client key belongs to the client certificate (checked once both are readable PEM files). */
export function IsKeyOfCertificate(certificateSetting: NatsSettingName) {
  return ValidateBy({
    name: 'isKeyOfCertificate',
    validator: {
      validate: (value: unknown, args) => {
        const certificateFile = settingsOf(args)[certificateSetting];
        if (typeof value !== 'string' || typeof certificateFile !== 'string') return true;
        if (pemFileProblem(value, 'private key') || pemFileProblem(certificateFile, 'certificate')) return true;
        return new X509Certificate(readFileSync(certificateFile)).checkPrivateKey(createPrivateKey(readFileSync(value)));
      },
      defaultMessage: (args) => `${settingOf(args)} is not the private key of the certificate in ${certificateSetting}`,
    },
  });
}

function natsAuthOf(settings: NatsSettings): NatsAuth | undefined {
  const creds = settings.NATS_CREDS_FILE?.text;
  if (creds !== undefined) return { method: 'creds', creds };
  const seed = settings.NATS_NKEY_SEED ?? settings.NATS_NKEY_SEED_FILE?.value;
  if (seed !== undefined) return { method: 'nkey', seed };
  const password = settings.NATS_PASSWORD ?? settings.NATS_PASSWORD_FILE?.value;
  if (settings.NATS_USER !== undefined && password !== undefined) return { method: 'password', user: settings.NATS_USER, password };
  const token = settings.NATS_TOKEN ?? settings.NATS_TOKEN_FILE?.value;
  if (token !== undefined) return { method: 'token', token };
  return undefined;
}

/** A CA file or a client certificate asks for TLS; so does a `tls://` URL (seen by libs/nats). */
function natsTlsOf(settings: NatsSettings): NatsTlsFiles | undefined {
  const { NATS_TLS_CA_FILE: caFile, NATS_TLS_CERT_FILE: certFile, NATS_TLS_KEY_FILE: keyFile } = settings;
  if (caFile === undefined && certFile === undefined) return undefined;
  return {
    ...(caFile !== undefined ? { caFile } : {}),
    ...(certFile !== undefined && keyFile !== undefined ? { clientCertificate: { certFile, keyFile } } : {}),
  };
}

/** How to connect to NATS according to validated settings. */
export function natsClientSettingsOf(settings: NatsSettings): NatsClientSettings {
  return { servers: settings.NATS_URL, auth: natsAuthOf(settings), tls: natsTlsOf(settings) };
}
