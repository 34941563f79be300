{{/* The pod spec shared by the store's small batch pods (wp-cron, helm test): the test
image, restricted, no token, one shell command. (dict "ctx" $ "command" "...") */}}
{{- define "store.smallJobPod" -}}
{{- $plan := include "store.plan" .ctx | fromJson -}}
restartPolicy: Never
automountServiceAccountToken: false
enableServiceLinks: false
securityContext:
  {{- include "store.podSecurityContext" (dict "uid" 65534) | nindent 2 }}
containers:
  - name: {{ .name }}
    image: {{ include "store.image" .ctx.Values.image.test }}
    imagePullPolicy: {{ .ctx.Values.image.wordpress.pullPolicy }}
    command: [sh, -c, {{ .command | quote }}]
    securityContext:
      {{- include "store.containerSecurityContext" (dict "readOnly" true) | nindent 6 }}
    resources:
      {{- include "store.resources" $plan.jobs | nindent 6 }}
    volumeMounts:
      - {name: tmp, mountPath: /tmp}
volumes:
  - name: tmp
    emptyDir: {sizeLimit: 64Mi}
{{- end -}}

{{/* Tries `check` up to `tries` times, 2 s apart, then ends the script with `gaveUp`. A policy
engine may drop or refuse a new pod's first packets until it has learnt the pod, so every
client pod of the store waits like this before its real work.
(dict "check" "shell command" "tries" 15 "gaveUp" "message, in double quotes") */}}
{{- define "store.retryUntil" -}}
tries=0
until {{ .check }}; do
  tries=$((tries + 1)); [ "$tries" -lt {{ .tries }} ] || { echo "{{ .gaveUp }}" >&2; exit 1; }
  sleep 2
done
{{- end -}}

{{/* Waits for the store's database at $DB_HOST, as root through /tmp/client.cnf. */}}
{{- define "store.waitForDatabase" -}}
{{ include "store.retryUntil" (dict "check" "mariadb-admin --defaults-extra-file=/tmp/client.cnf --host=\"$DB_HOST\" --connect-timeout=5 ping >/dev/null 2>&1" "tries" 20 "gaveUp" "storefleet: the database at $DB_HOST does not answer") }}
{{- end -}}
