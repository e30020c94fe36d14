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
{{- end }}
{{- if ge (int64 .Values.shutdownTimeoutMs) (mul (int64 .Values.terminationGracePeriodSeconds) 1000) }}
{{- fail "shutdownTimeoutMs must be less than terminationGracePeriodSeconds x 1000" }}
{{- end }}
{{- if and .Values.metrics.requireToken (not .Values.existingSecret) }}
{{- if not (regexMatch "^[\\x21-\\x7e]{16,}$" (.Values.secrets.metricsToken | toString)) }}
{{- fail "metrics.requireToken needs secrets.metricsToken: at least 16 printable characters without spaces (openssl rand -hex 32), or set existingSecret" }}
{{- end }}
{{- end }}
{{- if and .Values.delivery.extraCa.configMapName .Values.delivery.extraCa.secretName }}
{{- fail "delivery.extraCa: set configMapName or secretName, not both" }}
{{- end }}
{{- end }}

{{/* Per-app environment on top of the shared ConfigMap and PORT. */}}
{{- define "wirehook.env.config-api" -}}
{{ include "wirehook.secretEnv" (dict "root" . "name" "MONGODB_URI" "key" "mongodbUri") }}
{{ include "wirehook.secretEnv" (dict "root" . "name" "CONFIG_ENCRYPTION_KEY" "key" "configEncryptionKey") }}
{{ include "wirehook.secretEnv" (dict "root" . "name" "ADMIN_API_KEY" "key" "adminApiKey") }}
{{- end }}

{{- define "wirehook.env.dispatcher" -}}
{{ include "wirehook.secretEnv" (dict "root" . "name" "CONFIG_ENCRYPTION_KEY" "key" "configEncryptionKey") }}
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
  replicas: {{ $app.replicaCount }}
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
        {{- if $root.Values.metrics.podAnnotations }}
        prometheus.io/scrape: "true"
        prometheus.io/port: {{ $app.port | int | quote }}
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
          envFrom:
            - configMapRef:
                name: {{ include "wirehook.fullname" $root }}
          env:
            - name: PORT
              value: {{ $app.port | int | quote }}
            {{- include (printf "wirehook.env.%s" $component) $root | nindent 12 }}
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
      {{- with (include "wirehook.podSetting" (dict "root" $root "app" $app "key" "affinity")) }}
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
{{- end }}
