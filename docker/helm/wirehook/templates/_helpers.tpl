{{/*
Names, labels and the Deployment shared by the four apps.
Templates that take a "component context" expect: dict "root" $ "component" "<app>".
*/}}

{{/* Chart name, overridable with nameOverride. */}}
{{- define "wirehook.name" -}}
{{- default .Chart.Name .Values.nameOverride | trunc 63 | trimSuffix "-" }}
{{- end }}

{{/* Fully qualified release name, at most 63 characters. */}}
{{- define "wirehook.fullname" -}}
{{- if .Values.fullnameOverride }}
{{- .Values.fullnameOverride | trunc 63 | trimSuffix "-" }}
{{- else }}
{{- $name := default .Chart.Name .Values.nameOverride }}
{{- if contains $name .Release.Name }}
{{- .Release.Name | trunc 63 | trimSuffix "-" }}
{{- else }}
{{- printf "%s-%s" .Release.Name $name | trunc 63 | trimSuffix "-" }}
{{- end }}
{{- end }}
{{- end }}

{{/* Name of one app's objects: <fullname>-<component>. */}}
{{- define "wirehook.componentName" -}}
{{- printf "%s-%s" (include "wirehook.fullname" .root | trunc 48 | trimSuffix "-") .component | trunc 63 | trimSuffix "-" }}
{{- end }}

{{- define "wirehook.chart" -}}
{{- printf "%s-%s" .Chart.Name .Chart.Version | replace "+" "_" | trunc 63 | trimSuffix "-" }}
{{- end }}

{{- define "wirehook.selectorLabels" -}}
app.kubernetes.io/name: {{ include "wirehook.name" . }}
app.kubernetes.io/instance: {{ .Release.Name }}
{{- end }}

{{- define "wirehook.labels" -}}
helm.sh/chart: {{ include "wirehook.chart" . }}
{{ include "wirehook.selectorLabels" . }}
app.kubernetes.io/version: {{ include "wirehook.imageTag" . | quote }}
app.kubernetes.io/managed-by: {{ .Release.Service }}
app.kubernetes.io/part-of: wirehook
{{- with .Values.commonLabels }}
{{ toYaml . }}
{{- end }}
{{- end }}

{{- define "wirehook.componentSelectorLabels" -}}
{{ include "wirehook.selectorLabels" .root }}
app.kubernetes.io/component: {{ .component }}
{{- end }}

{{- define "wirehook.componentLabels" -}}
{{ include "wirehook.labels" .root }}
app.kubernetes.io/component: {{ .component }}
{{- end }}

{{- define "wirehook.imageTag" -}}
{{- .Values.image.tag | default .Chart.AppVersion | toString }}
{{- end }}

{{- define "wirehook.image" -}}
{{- printf "%s:%s" .Values.image.repository (include "wirehook.imageTag" .) }}
{{- end }}

{{- define "wirehook.serviceAccountName" -}}
{{- if .Values.serviceAccount.create }}
{{- default (include "wirehook.fullname" .) .Values.serviceAccount.name }}
{{- else }}
{{- default "default" .Values.serviceAccount.name }}
{{- end }}
{{- end }}

{{/* The Secret holding CONFIG_ENCRYPTION_KEY, ADMIN_API_KEY and MONGODB_URI. */}}
{{- define "wirehook.secretName" -}}
{{- default (include "wirehook.fullname" .) .Values.existingSecret }}
{{- end }}

{{/* An env entry read from the Secret: dict "root" $ "name" "ENV_NAME" "key" "<existingSecretKeys key>". */}}
{{- define "wirehook.secretEnv" -}}
- name: {{ .name }}
  valueFrom:
    secretKeyRef:
      name: {{ include "wirehook.secretName" .root }}
      key: {{ ternary (index .root.Values.existingSecretKeys .key) .name (not (empty .root.Values.existingSecret)) }}
{{- end }}

{{/* CONFIG_ENCRYPTION_PREVIOUS_KEYS of the chart's Secret: secrets.previousEncryptionKeys joined with commas ("" when none). */}}
{{- define "wirehook.previousEncryptionKeys" -}}
{{- $keys := .Values.secrets.previousEncryptionKeys | default "" }}
{{- if kindIs "slice" $keys }}{{ join "," $keys | nospace }}{{ else }}{{ toString $keys | nospace }}{{ end }}
{{- end }}

{{/*
The env entry of CONFIG_ENCRYPTION_PREVIOUS_KEYS (config-api and dispatcher): from the chart's
Secret when secrets.previousEncryptionKeys is set, or from existingSecret as an optional key (so
a Secret without it still starts the pods).
*/}}
{{- define "wirehook.previousKeysEnv" -}}
{{- if .Values.existingSecret }}
{{- with .Values.existingSecretKeys.configEncryptionPreviousKeys }}
- name: CONFIG_ENCRYPTION_PREVIOUS_KEYS
  valueFrom:
    secretKeyRef:
      name: {{ $.Values.existingSecret }}
      key: {{ . }}
      optional: true
{{- end }}
{{- else if include "wirehook.previousEncryptionKeys" . }}
- name: CONFIG_ENCRYPTION_PREVIOUS_KEYS
  valueFrom:
    secretKeyRef:
      name: {{ include "wirehook.secretName" . }}
      key: CONFIG_ENCRYPTION_PREVIOUS_KEYS
{{- end }}
{{- end }}

{{/* Whether the dispatcher mounts extra CAs ("true" or ""). */}}
{{- define "wirehook.extraCa.enabled" -}}
{{- with .Values.delivery.extraCa }}{{ if or .configMapName .secretName }}true{{ end }}{{ end }}
{{- end }}

{{/* Values checks that fail the render with a clear message. */}}
{{- define "wirehook.validateValues" -}}
{{- if not .Values.natsUrl }}
{{- fail "natsUrl is required (e.g. nats://nats.nats.svc:4222)" }}
{{- end }}
{{- if not .Values.existingSecret }}
{{- if not .Values.mongodbUri }}
{{- fail "mongodbUri is required (or set existingSecret with a MONGODB_URI key)" }}
{{- end }}
{{- if not (regexMatch "^[A-Za-z0-9+/]{43}=$" (.Values.secrets.configEncryptionKey | toString)) }}
{{- fail "secrets.configEncryptionKey must be the base64 of 32 random bytes (openssl rand -base64 32), or set existingSecret" }}
{{- end }}
{{- if lt (len (.Values.secrets.adminApiKey | toString)) 24 }}
{{- fail "secrets.adminApiKey must be at least 24 characters (openssl rand -hex 32), or set existingSecret" }}
{{- end }}
{{- with include "wirehook.previousEncryptionKeys" . }}
{{- range $i, $key := splitList "," . }}
{{- if not (regexMatch "^[A-Za-z0-9+/]{43}=$" $key) }}
{{- fail (printf "secrets.previousEncryptionKeys: key %d must be the base64 of 32 bytes, like configEncryptionKey" (add1 $i)) }}
{{- end }}
{{- end }}
{{- end }}
{{- end }}
{{- if ge (int64 .Values.shutdownTimeoutMs) (mul (int64 .Values.terminationGracePeriodSeconds) 1000) }}
{{- fail "shutdownTimeoutMs must be less than terminationGracePeriodSeconds x 1000" }}
{{- end }}
{{- if lt (int .Values.retention.failedDays) (int .Values.retention.defaultDays) }}
{{- fail "retention.failedDays must be at least retention.defaultDays" }}
{{- end }}
{{- if lt (int64 .Values.retention.leaseTtlMs) (mul (int64 .Values.retention.batchPauseMs) 2) }}
{{- fail "retention.leaseTtlMs must be at least twice retention.batchPauseMs (the lease is renewed before every batch)" }}
{{- end }}
{{- if and .Values.metrics.requireToken (not .Values.existingSecret) }}
{{- if not (regexMatch "^[\\x21-\\x7e]{16,}$" (.Values.secrets.metricsToken | toString)) }}
{{- fail "metrics.requireToken needs secrets.metricsToken: at least 16 printable characters without spaces (openssl rand -hex 32), or set existingSecret" }}
{{- end }}
{{- end }}
{{- if and .Values.delivery.extraCa.configMapName .Values.delivery.extraCa.secretName }}
{{- fail "delivery.extraCa: set configMapName or secretName, not both" }}
{{- end }}
{{- if not (regexMatch "^[1-5]$" (toString .Values.natsStreamReplicas)) }}
{{- fail (printf "natsStreamReplicas must be an integer from 1 to 5 (3 on a 3-node NATS cluster), not %v" .Values.natsStreamReplicas) }}
{{- end }}
{{- include "wirehook.validateNatsAuth" . }}
{{- include "wirehook.validateNatsTls" . }}
{{- include "wirehook.validatePodAntiAffinity" (dict "name" "podAntiAffinity" "value" .Values.podAntiAffinity) }}
{{- range $spec := include "wirehook.apps" . | fromYamlArray }}
{{- $key := index $spec 1 }}
{{- $app := index $.Values $key }}
{{- /* The preStop sleep runs before SIGTERM, so the shutdown gets only what is left of the grace period. */}}
{{- $preStopMs := mul (int64 (index $app "preStopSleepSeconds" | default 0)) 1000 }}
{{- if ge (add (int64 $.Values.shutdownTimeoutMs) $preStopMs) (mul (int64 $.Values.terminationGracePeriodSeconds) 1000) }}
{{- fail (printf "shutdownTimeoutMs + %s.preStopSleepSeconds x 1000 (%d ms) must be less than terminationGracePeriodSeconds x 1000 (%d ms)" $key (add (int64 $.Values.shutdownTimeoutMs) $preStopMs) (mul (int64 $.Values.terminationGracePeriodSeconds) 1000)) }}
{{- end }}
{{- if eq (int $app.port) (int $.Values.metrics.port) }}
{{- fail (printf "metrics.port (%d) must differ from %s.port: /metrics has a listener of its own" (int $.Values.metrics.port) $key) }}
{{- end }}
{{- /* config-api's Service listens on service.port, the others' on their app port: a Service port appears once. */}}
{{- if and (eq $key "configApi") (eq (int $app.service.port) (int $.Values.metrics.port)) }}
{{- fail (printf "metrics.port (%d) must differ from configApi.service.port: the config-api Service exposes both" (int $.Values.metrics.port)) }}
{{- end }}
{{- with index $app "podAntiAffinity" }}
{{- include "wirehook.validatePodAntiAffinity" (dict "name" (printf "%s.podAntiAffinity" $key) "value" .) }}
{{- end }}
{{- with index $app "podDisruptionBudget" }}
{{- if and (hasKey . "enabled") (not (kindIs "bool" .enabled)) (ne (toString .enabled) "auto") }}
{{- fail (printf "%s.podDisruptionBudget.enabled must be auto, true or false, not %v" $key .enabled) }}
{{- end }}
{{- end }}
{{- if include "wirehook.autoscaled" $app }}
{{- with $app.autoscaling }}
{{- if lt (int .minReplicas) 1 }}
{{- fail (printf "%s.autoscaling.minReplicas must be at least 1" $key) }}
{{- end }}
{{- if lt (int .maxReplicas) (int .minReplicas) }}
{{- fail (printf "%s.autoscaling.maxReplicas must be at least minReplicas" $key) }}
{{- end }}
{{- if not (or .targetCPUUtilizationPercentage .targetMemoryUtilizationPercentage .extraMetrics) }}
{{- fail (printf "%s.autoscaling needs targetCPUUtilizationPercentage, targetMemoryUtilizationPercentage or extraMetrics" $key) }}
{{- end }}
{{- range $resource := list "cpu" "memory" }}
{{- if and (index $app.autoscaling (printf "target%sUtilizationPercentage" (ternary "CPU" "Memory" (eq $resource "cpu")))) (not (index ((($app.resources | default dict).requests) | default dict) $resource)) }}
{{- fail (printf "%s.autoscaling: a %s utilization target needs %s.resources.requests.%s (utilization is measured against it)" $key $resource $key $resource) }}
{{- end }}
{{- end }}
{{- end }}
{{- end }}
{{- end }}
{{- end }}

{{/* The preset podAntiAffinity: dict "name" "<values path>" "value" <its values>. */}}
{{- define "wirehook.validatePodAntiAffinity" -}}
{{- if not (has (toString (.value.type | default "soft")) (list "soft" "hard" "none")) }}
{{- fail (printf "%s.type must be soft, hard or none, not %v" .name .value.type) }}
{{- end }}
{{- end }}

{{/* natsAuth: one method, its credential from existingSecret or inline, nothing else set. */}}
{{- define "wirehook.validateNatsAuth" -}}
{{- $auth := .Values.natsAuth }}
{{- $method := toString ($auth.method | default "") }}
{{- $needs := dict "" (list) "creds" (list "creds") "nkey" (list "nkeySeed") "userPassword" (list "user" "password") "token" (list "token") }}
{{- if not (hasKey $needs $method) }}
{{- fail (printf "natsAuth.method must be empty (no authentication), creds, nkey, userPassword or token, not %q" $method) }}
{{- end }}
{{- range $field := list "creds" "nkeySeed" "user" "password" "token" }}
{{- if index $auth $field }}
{{- if $auth.existingSecret }}
{{- fail (printf "natsAuth.%s is set but natsAuth.existingSecret is too: the credential comes from one place, empty natsAuth.%s" $field $field) }}
{{- end }}
{{- if not (has $field (index $needs $method)) }}
{{- if $method }}
{{- fail (printf "natsAuth.%s is set but natsAuth.method is %s: one authentication method at a time, empty natsAuth.%s" $field $method $field) }}
{{- else }}
{{- fail (printf "natsAuth.%s is set but natsAuth.method is empty: set the method it belongs to (creds, nkey, userPassword or token)" $field) }}
{{- end }}
{{- end }}
{{- end }}
{{- end }}
{{- range $field := index $needs $method }}
{{- if $auth.existingSecret }}
{{- if not (index ($auth.existingSecretKeys | default dict) $field) }}
{{- fail (printf "natsAuth.method %s with natsAuth.existingSecret needs natsAuth.existingSecretKeys.%s" $method $field) }}
{{- end }}
{{- else if not (index $auth $field) }}
{{- fail (printf "natsAuth.method %s needs natsAuth.%s, or natsAuth.existingSecret holding it" $method $field) }}
{{- end }}
{{- end }}
{{- if not $auth.existingSecret }}
{{- if and (eq $method "creds") (not (and (contains "BEGIN NATS USER JWT" $auth.creds) (contains "BEGIN USER NKEY SEED" $auth.creds))) }}
{{- fail "natsAuth.creds must be the content of a .creds file (a NATS USER JWT and a USER NKEY SEED block)" }}
{{- end }}
{{- if and (eq $method "nkey") (not (regexMatch "^SU[A-Z2-7]{56}$" (trim $auth.nkeySeed))) }}
{{- fail "natsAuth.nkeySeed must be an NKey user seed (58 characters starting with SU)" }}
{{- end }}
{{- end }}
{{- end }}

{{/* natsTls: something to mount, from existingSecret or inline PEMs, not both. */}}
{{- define "wirehook.validateNatsTls" -}}
{{- $tls := .Values.natsTls }}
{{- $files := dict "caPem" $tls.ca "certPem" $tls.clientCertificate "keyPem" $tls.clientCertificate }}
{{- $keys := dict "caPem" "ca" "certPem" "cert" "keyPem" "key" }}
{{- range $field := list "caPem" "certPem" "keyPem" }}
{{- if index $tls $field }}
{{- if not $tls.enabled }}
{{- fail (printf "natsTls.%s is set but natsTls.enabled is false" $field) }}
{{- end }}
{{- if $tls.existingSecret }}
{{- fail (printf "natsTls.%s is set but natsTls.existingSecret is too: the files come from one place, empty natsTls.%s" $field $field) }}
{{- end }}
{{- if not (index $files $field) }}
{{- fail (printf "natsTls.%s is set but its file is not enabled (natsTls.%s)" $field (ternary "ca" "clientCertificate" (eq $field "caPem"))) }}
{{- end }}
{{- if not (contains "-----BEGIN " (index $tls $field)) }}
{{- fail (printf "natsTls.%s must be PEM text (-----BEGIN ...)" $field) }}
{{- end }}
{{- end }}
{{- end }}
{{- if $tls.enabled }}
{{- if not (or $tls.ca $tls.clientCertificate) }}
{{- fail "natsTls.enabled needs natsTls.ca or natsTls.clientCertificate (a server with a publicly trusted certificate needs no natsTls at all)" }}
{{- end }}
{{- range $field := list "caPem" "certPem" "keyPem" }}
{{- if index $files $field }}
{{- if $tls.existingSecret }}
{{- if not (index ($tls.existingSecretKeys | default dict) (index $keys $field)) }}
{{- fail (printf "natsTls.existingSecretKeys.%s is required with natsTls.existingSecret" (index $keys $field)) }}
{{- end }}
{{- else if not (index $tls $field) }}
{{- fail (printf "natsTls needs natsTls.%s, or natsTls.existingSecret holding it" $field) }}
{{- end }}
{{- end }}
{{- end }}
{{- end }}
{{- end }}

{{/* The apps as a YAML list of [component, values key]. */}}
{{- define "wirehook.apps" -}}
- [config-api, configApi]
- [dispatcher, dispatcher]
- [log-service, logService]
- [retention-cron, retentionCron]
{{- end }}

{{/* Whether an app has its HorizontalPodAutoscaler on ("true" or ""): takes the app's values. */}}
{{- define "wirehook.autoscaled" -}}
{{- with index . "autoscaling" }}{{ if .enabled }}true{{ end }}{{ end }}
{{- end }}

{{/* The fewest replicas an app runs: the autoscaler's minReplicas, else replicaCount. */}}
{{- define "wirehook.minReplicas" -}}
{{- if include "wirehook.autoscaled" . }}{{ .autoscaling.minReplicas | int }}{{ else }}{{ .replicaCount | int }}{{ end }}
{{- end }}

{{/* Whether an app gets a PodDisruptionBudget ("true" or ""): takes the app's values. */}}
{{- define "wirehook.pdb.enabled" -}}
{{- $pdb := index . "podDisruptionBudget" | default dict }}
{{- $enabled := "auto" }}
{{- if hasKey $pdb "enabled" }}{{ $enabled = $pdb.enabled }}{{ end }}
{{- if kindIs "bool" $enabled }}{{ if $enabled }}true{{ end }}
{{- else if gt (int (include "wirehook.minReplicas" .)) 1 }}true
{{- end }}
{{- end }}

{{/*
The pod affinity of an app: dict "root" $ "component" "<app>" "app" <app values>. The app's
affinity, else the shared one, plus the preset podAntiAffinity (the app's, else the shared one)
unless that affinity has a podAntiAffinity of its own.
*/}}
{{- define "wirehook.affinity" -}}
{{- $root := .root }}
{{- $affinity := deepCopy (index .app "affinity" | default $root.Values.affinity | default dict) }}
{{- $preset := merge (dict) (index .app "podAntiAffinity" | default dict) ($root.Values.podAntiAffinity | default dict) }}
{{- $type := toString ($preset.type | default "soft") }}
{{- if and (ne $type "none") (not (hasKey $affinity "podAntiAffinity")) }}
{{- $term := dict "labelSelector" (dict "matchLabels" (include "wirehook.componentSelectorLabels" (dict "root" $root "component" .component) | fromYaml)) "topologyKey" ($preset.topologyKey | default "kubernetes.io/hostname") }}
{{- if eq $type "hard" }}
{{- $_ := set $affinity "podAntiAffinity" (dict "requiredDuringSchedulingIgnoredDuringExecution" (list $term)) }}
{{- else }}
{{- $_ := set $affinity "podAntiAffinity" (dict "preferredDuringSchedulingIgnoredDuringExecution" (list (dict "weight" ($preset.weight | default 100 | int) "podAffinityTerm" $term))) }}
{{- end }}
{{- end }}
{{- with $affinity }}{{ toYaml . }}{{ end }}
{{- end }}

{{/*
NATS credentials and TLS files. Both come from a Secret: natsAuth.existingSecret and
natsTls.existingSecret, or else the one Secret the chart creates (<fullname>-nats, nats-secret.yaml)
with the fixed keys below. Each app pod mounts only the keys in use, at fixed paths.
*/}}
{{- define "wirehook.natsSecretName" -}}
{{- include "wirehook.componentName" (dict "root" . "component" "nats") }}
{{- end }}

{{/* Whether the chart creates the NATS Secret ("true" or ""). */}}
{{- define "wirehook.natsSecret.create" -}}
{{- if or (and .Values.natsAuth.method (not .Values.natsAuth.existingSecret)) (and .Values.natsTls.enabled (not .Values.natsTls.existingSecret)) }}true{{ end }}
{{- end }}

{{/* Key of one natsAuth credential in its Secret: dict "root" $ "field" "<creds|nkeySeed|user|password|token>". */}}
{{- define "wirehook.natsAuthKey" -}}
{{- if .root.Values.natsAuth.existingSecret }}
{{- index .root.Values.natsAuth.existingSecretKeys .field }}
{{- else }}
{{- index (dict "creds" "nats.creds" "nkeySeed" "nkey.seed" "user" "user" "password" "password" "token" "token") .field }}
{{- end }}
{{- end }}

{{/* Key of one natsTls file in its Secret: dict "root" $ "field" "<ca|cert|key>". */}}
{{- define "wirehook.natsTlsKey" -}}
{{- if .root.Values.natsTls.existingSecret }}
{{- index .root.Values.natsTls.existingSecretKeys .field }}
{{- else }}
{{- index (dict "ca" "ca.crt" "cert" "tls.crt" "key" "tls.key") .field }}
{{- end }}
{{- end }}

{{/* The natsAuth files of the method: a YAML list of {field, path, env}. */}}
{{- define "wirehook.natsAuthFiles" -}}
{{- $method := toString (.Values.natsAuth.method | default "") }}
{{- if eq $method "creds" }}
- {field: creds, path: nats.creds, env: NATS_CREDS_FILE}
{{- else if eq $method "nkey" }}
- {field: nkeySeed, path: nkey.seed, env: NATS_NKEY_SEED_FILE}
{{- else if eq $method "userPassword" }}
- {field: password, path: password, env: NATS_PASSWORD_FILE}
{{- else if eq $method "token" }}
- {field: token, path: token, env: NATS_TOKEN_FILE}
{{- end }}
{{- end }}

{{/* The natsTls files enabled: a YAML list of {field, path, env}. */}}
{{- define "wirehook.natsTlsFiles" -}}
{{- if .Values.natsTls.enabled }}
{{- if .Values.natsTls.ca }}
- {field: ca, path: ca.crt, env: NATS_TLS_CA_FILE}
{{- end }}
{{- if .Values.natsTls.clientCertificate }}
- {field: cert, path: tls.crt, env: NATS_TLS_CERT_FILE}
- {field: key, path: tls.key, env: NATS_TLS_KEY_FILE}
{{- end }}
{{- end }}
{{- end }}

{{/* Env entries of every app for NATS authentication and TLS. */}}
{{- define "wirehook.natsEnv" -}}
{{- if eq (toString (.Values.natsAuth.method | default "")) "userPassword" }}
- name: NATS_USER
  valueFrom:
    secretKeyRef:
      name: {{ .Values.natsAuth.existingSecret | default (include "wirehook.natsSecretName" .) }}
      key: {{ include "wirehook.natsAuthKey" (dict "root" . "field" "user") }}
{{- end }}
{{- range include "wirehook.natsAuthFiles" . | fromYamlArray }}
- name: {{ .env }}
  value: {{ printf "/etc/wirehook/nats-auth/%s" .path | quote }}
{{- end }}
{{- range include "wirehook.natsTlsFiles" . | fromYamlArray }}
- name: {{ .env }}
  value: {{ printf "/etc/wirehook/nats-tls/%s" .path | quote }}
{{- end }}
{{- end }}

{{/* Volume mounts of every app for NATS authentication and TLS. */}}
{{- define "wirehook.natsVolumeMounts" -}}
{{- if include "wirehook.natsAuthFiles" . }}
- name: nats-auth
  mountPath: /etc/wirehook/nats-auth
  readOnly: true
{{- end }}
{{- if include "wirehook.natsTlsFiles" . }}
- name: nats-tls
  mountPath: /etc/wirehook/nats-tls
  readOnly: true
{{- end }}
{{- end }}

{{/*
Volumes of every app for NATS authentication and TLS. Mode 0440: readable by the pod's fsGroup
(podSecurityContext.fsGroup, 1000 like the app's user), by no one else.
*/}}
{{- define "wirehook.natsVolumes" -}}
{{- $root := . }}
{{- with include "wirehook.natsAuthFiles" . | fromYamlArray }}
- name: nats-auth
  secret:
    secretName: {{ $root.Values.natsAuth.existingSecret | default (include "wirehook.natsSecretName" $root) }}
    defaultMode: 0440
    items:
      {{- range . }}
      - key: {{ include "wirehook.natsAuthKey" (dict "root" $root "field" .field) }}
        path: {{ .path }}
      {{- end }}
{{- end }}
{{- with include "wirehook.natsTlsFiles" . | fromYamlArray }}
- name: nats-tls
  secret:
    secretName: {{ $root.Values.natsTls.existingSecret | default (include "wirehook.natsSecretName" $root) }}
    defaultMode: 0440
    items:
      {{- range . }}
      - key: {{ include "wirehook.natsTlsKey" (dict "root" $root "field" .field) }}
        path: {{ .path }}
      {{- end }}
{{- end }}
{{- end }}

{{/* Per-app environment on top of the shared ConfigMap and PORT. */}}
{{- define "wirehook.env.config-api" -}}
{{ include "wirehook.secretEnv" (dict "root" . "name" "MONGODB_URI" "key" "mongodbUri") }}
{{ include "wirehook.secretEnv" (dict "root" . "name" "CONFIG_ENCRYPTION_KEY" "key" "configEncryptionKey") }}
{{- with include "wirehook.previousKeysEnv" . }}{{ . }}{{ end }}
{{ include "wirehook.secretEnv" (dict "root" . "name" "ADMIN_API_KEY" "key" "adminApiKey") }}
{{- end }}

{{- define "wirehook.env.dispatcher" -}}
{{ include "wirehook.secretEnv" (dict "root" . "name" "CONFIG_ENCRYPTION_KEY" "key" "configEncryptionKey") }}
{{- with include "wirehook.previousKeysEnv" . }}{{ . }}{{ end }}
{{- with .Values.dispatcher.nodeOptions }}
- name: NODE_OPTIONS
  value: {{ . | quote }}
{{- end }}
{{- if include "wirehook.extraCa.enabled" . }}
- name: DELIVERY_EXTRA_CA_FILE
  value: {{ printf "/etc/wirehook/extra-ca/%s" .Values.delivery.extraCa.key | quote }}
{{- end }}
{{- end }}

{{- define "wirehook.env.log-service" -}}
{{ include "wirehook.secretEnv" (dict "root" . "name" "MONGODB_URI" "key" "mongodbUri") }}
{{- end }}

{{- define "wirehook.env.retention-cron" -}}
{{ include "wirehook.secretEnv" (dict "root" . "name" "MONGODB_URI" "key" "mongodbUri") }}
{{- end }}

{{/* A per-app setting that falls back to the shared one: dict "root" $ "app" <app values> "key" "<name>". */}}
{{- define "wirehook.podSetting" -}}
{{- $value := index .app .key | default (index .root.Values .key) }}
{{- with $value }}{{ toYaml . }}{{ end }}
{{- end }}

{{/*
The Deployment of one app: dict "root" $ "component" "<app>" "key" "<values key>".
*/}}
{{- define "wirehook.deployment" -}}
{{- $root := .root }}
{{- $component := .component }}
{{- $app := index $root.Values .key }}
{{- $ctx := dict "root" $root "component" $component }}
apiVersion: apps/v1
kind: Deployment
metadata:
  name: {{ include "wirehook.componentName" $ctx }}
  namespace: {{ $root.Release.Namespace }}
  labels:
    {{- include "wirehook.componentLabels" $ctx | nindent 4 }}
spec:
  {{- /* With an autoscaler the replica count is its business: a value here would reset it on every upgrade. */}}
  {{- if not (include "wirehook.autoscaled" $app) }}
  replicas: {{ $app.replicaCount | int }}
  {{- end }}
  revisionHistoryLimit: 5
  selector:
    matchLabels:
      {{- include "wirehook.componentSelectorLabels" $ctx | nindent 6 }}
  strategy:
    type: RollingUpdate
    rollingUpdate:
      maxSurge: 25%
      maxUnavailable: 0
  template:
    metadata:
      labels:
        {{- include "wirehook.componentLabels" $ctx | nindent 8 }}
        {{- with (merge (dict) (index $app "podLabels" | default dict) $root.Values.podLabels) }}
        {{- toYaml . | nindent 8 }}
        {{- end }}
      annotations:
        checksum/config: {{ include (print $root.Template.BasePath "/configmap.yaml") $root | sha256sum }}
        {{- if not $root.Values.existingSecret }}
        checksum/secret: {{ include (print $root.Template.BasePath "/secret.yaml") $root | sha256sum }}
        {{- end }}
        {{- if include "wirehook.natsSecret.create" $root }}
        checksum/nats-secret: {{ include (print $root.Template.BasePath "/nats-secret.yaml") $root | sha256sum }}
        {{- end }}
        {{- if $root.Values.metrics.podAnnotations }}
        prometheus.io/scrape: "true"
        prometheus.io/port: {{ $root.Values.metrics.port | int | quote }}
        prometheus.io/path: /metrics
        {{- end }}
        {{- with (merge (dict) (index $app "podAnnotations" | default dict) $root.Values.podAnnotations) }}
        {{- toYaml . | nindent 8 }}
        {{- end }}
    spec:
      serviceAccountName: {{ include "wirehook.serviceAccountName" $root }}
      automountServiceAccountToken: false
      terminationGracePeriodSeconds: {{ $root.Values.terminationGracePeriodSeconds | int }}
      {{- with $root.Values.imagePullSecrets }}
      imagePullSecrets:
        {{- toYaml . | nindent 8 }}
      {{- end }}
      securityContext:
        {{- toYaml $root.Values.podSecurityContext | nindent 8 }}
      containers:
        - name: {{ $component }}
          image: {{ include "wirehook.image" $root | quote }}
          imagePullPolicy: {{ $root.Values.image.pullPolicy }}
          command: ["node", "dist/apps/{{ $component }}/src/main.js"]
          ports:
            - name: http
              containerPort: {{ $app.port | int }}
              protocol: TCP
            - name: metrics
              containerPort: {{ $root.Values.metrics.port | int }}
              protocol: TCP
          envFrom:
            - configMapRef:
                name: {{ include "wirehook.fullname" $root }}
            {{- with $root.Values.extraEnvFrom }}
            {{- toYaml . | nindent 12 }}
            {{- end }}
            {{- with index $app "extraEnvFrom" }}
            {{- toYaml . | nindent 12 }}
            {{- end }}
          env:
            - name: PORT
              value: {{ $app.port | int | quote }}
            {{- if $root.Values.tracing.otlpEndpoint }}
            - name: OTEL_SERVICE_NAME
              value: {{ printf "%s%s" ($root.Values.tracing.serviceNamePrefix | default "") $component | quote }}
            {{- end }}
            {{- include (printf "wirehook.env.%s" $component) $root | nindent 12 }}
            {{- with include "wirehook.natsEnv" $root | trim }}
            {{- . | nindent 12 }}
            {{- end }}
            {{- if $root.Values.metrics.requireToken }}
            {{- include "wirehook.secretEnv" (dict "root" $root "name" "METRICS_TOKEN" "key" "metricsToken") | nindent 12 }}
            {{- end }}
            {{- with index $app "extraEnv" }}
            {{- toYaml . | nindent 12 }}
            {{- end }}
          startupProbe:
            httpGet:
              path: /health/live
              port: http
            {{- toYaml $root.Values.probes.startup | nindent 12 }}
          livenessProbe:
            httpGet:
              path: /health/live
              port: http
            {{- toYaml $root.Values.probes.liveness | nindent 12 }}
          readinessProbe:
            httpGet:
              path: /health/ready
              port: http
            {{- toYaml $root.Values.probes.readiness | nindent 12 }}
          {{- if index $app "preStopSleepSeconds" }}
          lifecycle:
            preStop:
              exec:
                command: ["sleep", {{ $app.preStopSleepSeconds | int | quote }}]
          {{- end }}
          resources:
            {{- toYaml $app.resources | nindent 12 }}
          securityContext:
            {{- toYaml $root.Values.securityContext | nindent 12 }}
          volumeMounts:
            - name: tmp
              mountPath: /tmp
            {{- with include "wirehook.natsVolumeMounts" $root | trim }}
            {{- . | nindent 12 }}
            {{- end }}
            {{- if and (eq $component "dispatcher") (include "wirehook.extraCa.enabled" $root) }}
            - name: extra-ca
              mountPath: /etc/wirehook/extra-ca
              readOnly: true
            {{- end }}
            {{- with index $app "extraVolumeMounts" }}
            {{- toYaml . | nindent 12 }}
            {{- end }}
      volumes:
        - name: tmp
          emptyDir:
            sizeLimit: 64Mi
        {{- with include "wirehook.natsVolumes" $root | trim }}
        {{- . | nindent 8 }}
        {{- end }}
        {{- if and (eq $component "dispatcher") (include "wirehook.extraCa.enabled" $root) }}
        {{- with $root.Values.delivery.extraCa }}
        - name: extra-ca
          {{- if .configMapName }}
          configMap:
            name: {{ .configMapName }}
            items:
              - key: {{ .key }}
                path: {{ .key }}
          {{- else }}
          secret:
            secretName: {{ .secretName }}
            items:
              - key: {{ .key }}
                path: {{ .key }}
          {{- end }}
        {{- end }}
        {{- end }}
        {{- with index $app "extraVolumes" }}
        {{- toYaml . | nindent 8 }}
        {{- end }}
      {{- with (include "wirehook.podSetting" (dict "root" $root "app" $app "key" "nodeSelector")) }}
      nodeSelector:
        {{- . | nindent 8 }}
      {{- end }}
      {{- with (include "wirehook.affinity" (dict "root" $root "component" $component "app" $app)) }}
      affinity:
        {{- . | nindent 8 }}
      {{- end }}
      {{- with (include "wirehook.podSetting" (dict "root" $root "app" $app "key" "tolerations")) }}
      tolerations:
        {{- . | nindent 8 }}
      {{- end }}
      {{- with (include "wirehook.podSetting" (dict "root" $root "app" $app "key" "topologySpreadConstraints")) }}
      topologySpreadConstraints:
        {{- . | nindent 8 }}
      {{- end }}
{{- end }}

{{/* The Service of one app: dict "root" $ "component" "<app>" "key" "<values key>" "port" <service port>. */}}
{{- define "wirehook.service" -}}
{{- $app := index .root.Values .key }}
{{- $ctx := dict "root" .root "component" .component }}
apiVersion: v1
kind: Service
metadata:
  name: {{ include "wirehook.componentName" $ctx }}
  namespace: {{ .root.Release.Namespace }}
  labels:
    {{- include "wirehook.componentLabels" $ctx | nindent 4 }}
  {{- with index $app.service "annotations" }}
  annotations:
    {{- toYaml . | nindent 4 }}
  {{- end }}
spec:
  type: {{ index $app.service "type" | default "ClusterIP" }}
  selector:
    {{- include "wirehook.componentSelectorLabels" $ctx | nindent 4 }}
  ports:
    - name: http
      port: {{ .port | int }}
      targetPort: http
      protocol: TCP
    - name: metrics
      port: {{ .root.Values.metrics.port | int }}
      targetPort: metrics
      protocol: TCP
{{- end }}

{{/*
One NetworkPolicy egress rule from a networkPolicy.egress destination ({to, cidrs, ports}): to
its peers and CIDRs on its ports (TCP, plus UDP for DNS on 53); with neither peers nor CIDRs, to
any address on those ports.
*/}}
{{- define "wirehook.networkPolicy.egressRule" -}}
- ports:
    {{- range .ports }}
    - port: {{ . }}
      protocol: TCP
    {{- if eq (int .) 53 }}
    - port: {{ . }}
      protocol: UDP
    {{- end }}
    {{- end }}
  {{- if or .to .cidrs }}
  to:
    {{- with .to }}
    {{- toYaml . | nindent 4 }}
    {{- end }}
    {{- range .cidrs }}
    - ipBlock:
        cidr: {{ . }}
    {{- end }}
  {{- end }}
{{- end }}
