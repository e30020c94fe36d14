import { IsInt, IsOptional, IsString, Max, Min, ValidateBy } from 'class-validator';
import { AppConfig, EnvInt, EnvList, SecretSetting, withDeliveryPolicy, withEncryptionKey } from '@wirehook/config';
import { proxyUrlProblem } from '../http-client/egress-proxy';
import { parseDuration } from '../delivery/retry-schedule';

/** An `http://` or `https://` proxy origin, credentials allowed; the message never repeats the value (it may hold a password). */
function IsProxyUrl() {
  return ValidateBy({
    name: 'isProxyUrl',
    validator: {
      validate: (value: unknown) => typeof value === 'string' && proxyUrlProblem(value) === undefined,
      defaultMessage: (args) =>
        `${args?.property} ${typeof args?.value === 'string' ? proxyUrlProblem(args.value) : 'must be a URL such as http://proxy.internal:3128'}`,
    },
  });
}

/** A comma-separated list of durations such as `5s,5m,30m,2h`. */
function IsDurationList() {
  return ValidateBy(
    {
      name: 'isDurationList',
      validator: {
        validate: (value: unknown) =>
          Array.isArray(value) && value.length <= 30 && value.every((item) => typeof item === 'string' && parseDuration(item) !== undefined),
      },
    },
    { message: 'DELIVERY_RETRY_SCHEDULE must be at most 30 comma-separated durations such as 5s,5m,30m,2h' },
  );
}

/** Environment of the dispatcher. */
export class DispatcherConfig extends withDeliveryPolicy(withEncryptionKey(AppConfig)) {
  override PORT = 3001;

  /** PEM file of extra CAs trusted for endpoints (private PKI, self-signed test receivers). */
  @IsOptional()
  @IsString()
  DELIVERY_EXTRA_CA_FILE?: string;

  /** Response bodies are stored up to this size. */
  @EnvInt()
  @IsInt()
  @Min(0)
  @Max(1024 * 1024)
  DELIVERY_RESPONSE_BODY_LIMIT_BYTES = 64 * 1024;

  /** Delivery attempts in flight in this process. */
  @EnvInt()
  @IsInt()
  @Min(1)
  @Max(10000)
  DELIVERY_CONCURRENCY = 256;

  /** An endpoint failing without a single success for this long is disabled; `off` never disables. */
  @ValidateBy(
    {
      name: 'isDurationOrOff',
      validator: { validate: (value: unknown) => value === 'off' || (typeof value === 'string' && parseDuration(value) !== undefined) },
    },
    { message: 'DELIVERY_DISABLE_AFTER must be a duration such as 5d or 12h, or off' },
  )
  DELIVERY_DISABLE_AFTER = '5d';

  /** After a 429 or a timeout the next attempt waits at least this long (Svix waits a minute). */
  @EnvInt()
  @IsInt()
  @Min(0)
  @Max(3_600_000)
  DELIVERY_THROTTLED_RETRY_MIN_MS = 60_000;

  /** How long a delivery task may stay un-acked before JetStream hands it out again; kept alive while in progress. */
  @EnvInt()
  @IsInt()
  @Min(1000)
  @Max(600_000)
  DELIVERY_ACK_WAIT_MS = 60_000;

  /**
   * Proxy for deliveries to https:// endpoints (and their OAuth2 token URLs), through HTTP
   * CONNECT tunnels; credentials may be given in it (`http://user:password@proxy:3128`).
   * Only the upper-case name is read. Endpoints with their own `proxy_url` use that instead.
   */
  @SecretSetting()
  @IsOptional()
  @IsProxyUrl()
  HTTPS_PROXY?: string;

  /** Proxy for deliveries to http:// endpoints (only allowed with DELIVERY_REQUIRE_HTTPS=false). */
  @SecretSetting()
  @IsOptional()
  @IsProxyUrl()
  HTTP_PROXY?: string;

  /** Hosts (and their subdomains), IP addresses and CIDRs, optionally with `:port`, reached without the proxy; `*` for all. */
  @EnvList()
  @IsString({ each: true })
  NO_PROXY: string[] = [];

  /** Default delays before attempts 2, 3, ... (endpoints may override); jittered by ±20%. */
  @EnvList()
  @IsDurationList()
  DELIVERY_RETRY_SCHEDULE: string[] = ['5s', '5m', '30m', '2h', '5h', '10h', '10h'];
}
