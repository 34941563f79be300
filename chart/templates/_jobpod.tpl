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
