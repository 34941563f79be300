{{/* Name of the store's objects: the release name, which the platform sets to the store name. */}}
{{- define "store.fullname" -}}
{{- .Release.Name | trunc 40 | trimSuffix "-" -}}
{{- end -}}

{{- define "store.labels" -}}
helm.sh/chart: {{ printf "%s-%s" .Chart.Name .Chart.Version | replace "+" "_" }}
app.kubernetes.io/name: {{ .Chart.Name }}
app.kubernetes.io/instance: {{ .Release.Name }}
app.kubernetes.io/version: {{ .Chart.AppVersion | quote }}
app.kubernetes.io/managed-by: {{ .Release.Service }}
app.kubernetes.io/part-of: storefleet
{{- end -}}

{{/* Selector labels of one component: (dict "ctx" $ "component" "wordpress"). */}}
{{- define "store.selectorLabels" -}}
app.kubernetes.io/name: {{ .ctx.Chart.Name }}
app.kubernetes.io/instance: {{ .ctx.Release.Name }}
app.kubernetes.io/component: {{ .component }}
{{- end -}}

{{- define "store.componentLabels" -}}
{{ include "store.labels" .ctx }}
app.kubernetes.io/component: {{ .component }}
{{- end -}}

{{/* The chosen plan from plans.json, as a dict. */}}
{{- define "store.plan" -}}
{{- $plans := .Files.Get "plans.json" | fromJson -}}
{{- $plan := index $plans .Values.plan -}}
{{- if not $plan }}{{ fail (printf "unknown plan %q" .Values.plan) }}{{ end -}}
{{- toJson $plan -}}
{{- end -}}

{{/*
The size a volume claim asks for. A bound claim keeps the size it was created with: a plan
change must not resize volumes (most storage classes, local-path included, refuse it and
StatefulSet claim templates are immutable), so only CPU, memory and quota follow the plan.
Call with (dict "ctx" . "kind" "PersistentVolumeClaim"|"StatefulSet" "name" NAME "size" PLAN_SIZE).
*/}}
{{- define "store.claimSize" -}}
{{- $size := .size -}}
{{- if eq .kind "StatefulSet" -}}
{{- $existing := lookup "apps/v1" "StatefulSet" .ctx.Release.Namespace .name -}}
{{- range (dig "spec" "volumeClaimTemplates" list $existing) -}}
{{- if eq .metadata.name "data" }}{{ $size = .spec.resources.requests.storage }}{{ end -}}
{{- end -}}
{{- else -}}
{{- $existing := lookup "v1" "PersistentVolumeClaim" .ctx.Release.Namespace .name -}}
{{- with (dig "spec" "resources" "requests" "storage" "" $existing) }}{{ $size = . }}{{ end -}}
{{- end -}}
{{- $size -}}
{{- end -}}

{{- define "store.secretName" -}}
{{- required "existingSecret is required: the platform creates the store's credentials Secret" .Values.existingSecret -}}
{{- end -}}

{{- define "store.image" -}}
{{- printf "%s:%s" .repository .tag -}}
{{- end -}}

{{/* PSA "restricted" pod security context for a given UID: (dict "uid" 33). */}}
{{- define "store.podSecurityContext" -}}
runAsNonRoot: true
runAsUser: {{ .uid }}
runAsGroup: {{ .uid }}
fsGroup: {{ .uid }}
fsGroupChangePolicy: OnRootMismatch
seccompProfile:
  type: RuntimeDefault
{{- end -}}

{{- define "store.containerSecurityContext" -}}
allowPrivilegeEscalation: false
readOnlyRootFilesystem: {{ .readOnly }}
capabilities:
  drop: [ALL]
{{- end -}}

{{- define "store.mariadbHost" -}}
{{ include "store.fullname" . }}-mariadb
{{- end -}}

{{/* WordPress's eight keys and salts, as wp-config.php names them. */}}
{{- define "store.saltNames" -}}
AUTH_KEY SECURE_AUTH_KEY LOGGED_IN_KEY NONCE_KEY AUTH_SALT SECURE_AUTH_SALT LOGGED_IN_SALT NONCE_SALT
{{- end -}}

{{/* The credentials Secret key of a salt name: AUTH_KEY → wordpress-auth-key. */}}
{{- define "store.saltKey" -}}
wordpress-{{ . | lower | replace "_" "-" }}
{{- end -}}

{{/* Database settings shared by WordPress and the setup Job. */}}
{{- define "store.databaseEnv" -}}
- name: WORDPRESS_DB_HOST
  value: {{ include "store.mariadbHost" . }}:3306
- name: WORDPRESS_DB_NAME
  value: wordpress
- name: WORDPRESS_DB_USER
  value: wordpress
- name: WORDPRESS_DB_PASSWORD_FILE
  value: /run/secrets/store/mariadb-password
- name: WORDPRESS_CONFIG_EXTRA
  value: |
    define('DISABLE_WP_CRON', true);
    define('WP_HOME', '{{ include "store.url" . }}');
    define('WP_SITEURL', '{{ include "store.url" . }}');
    if (isset($_SERVER['HTTP_X_FORWARDED_PROTO']) && $_SERVER['HTTP_X_FORWARDED_PROTO'] === 'https') { $_SERVER['HTTPS'] = 'on'; }
{{- end -}}

{{/* The serving WordPress: its database and the keys and salts that sign its cookies. */}}
{{- define "store.wordpressEnv" -}}
{{ include "store.databaseEnv" . }}
{{- range $name := splitList " " (include "store.saltNames" .) }}
- name: WORDPRESS_{{ $name }}_FILE
  value: /run/secrets/store/{{ include "store.saltKey" $name }}
{{- end }}
{{- end -}}

{{/* The Secret keys the WordPress pod reads (never the database root password). */}}
{{- define "store.wordpressSecretKeys" -}}
{{- $keys := list "mariadb-password" -}}
{{- range $name := splitList " " (include "store.saltNames" .) }}{{ $keys = append $keys (include "store.saltKey" $name) }}{{ end -}}
{{- toJson $keys -}}
{{- end -}}

{{- define "store.url" -}}
{{ if .Values.ingress.tls.enabled }}https{{ else }}http{{ end }}://{{ .Values.ingress.host }}{{ with .Values.ingress.port }}:{{ . }}{{ end }}
{{- end -}}

{{/*
The credentials Secret as read-only files, only the keys a pod uses, so no pod holds a
password it does not need: (dict "ctx" $ "keys" (list "mariadb-password")).
*/}}
{{- define "store.secretVolume" -}}
- name: credentials
  secret:
    secretName: {{ include "store.secretName" .ctx }}
    defaultMode: 0440
    items:
      {{- range .keys }}
      - {key: {{ . }}, path: {{ . }}}
      {{- end }}
{{- end -}}

{{- define "store.resources" -}}
requests:
  cpu: {{ .requests.cpu | quote }}
  memory: {{ .requests.memory | quote }}
limits:
  cpu: {{ .limits.cpu | quote }}
  memory: {{ .limits.memory | quote }}
{{- end -}}
