// A minimal cert-manager webhook entrypoint (validation and defaulting of cert-manager
// resources). Upstream's command (cmd/webhook) is a nested module the Go module proxy does not
// serve; the server itself is internal/webhook in the cert-manager module, which this
// package may import because the wrapper module is named under github.com/cert-manager/.
// Not needed by the bundled cluster (see cluster/ACME-AND-METRICS.md); built on request.
package main

import (
	"context"
	"flag"
	"fmt"
	"os"
	"os/signal"
	"syscall"

	"k8s.io/klog/v2"

	webhookconfig "github.com/cert-manager/cert-manager/internal/apis/config/webhook"
	webhookscheme "github.com/cert-manager/cert-manager/internal/apis/config/webhook/scheme"
	cmwebhook "github.com/cert-manager/cert-manager/internal/webhook"
	"github.com/cert-manager/cert-manager/pkg/apis/config/webhook/v1alpha1"
	logf "github.com/cert-manager/cert-manager/pkg/logs"
	"github.com/cert-manager/cert-manager/pkg/util"
)

func main() {
	// Our own flag set: controller-runtime registers --kubeconfig on the global one.
	fs := flag.NewFlagSet(os.Args[0], flag.ExitOnError)
	var (
		kubeconfig = fs.String("kubeconfig", "", "kubeconfig of the cluster (in-cluster config when empty)")
		port       = fs.Int("secure-port", 6443, "HTTPS port of the admission webhook")
		healthz    = fs.Int("healthz-port", 6080, "HTTP port of /livez and /healthz")
		certFile   = fs.String("tls-cert-file", "", "serving certificate (PEM)")
		keyFile    = fs.String("tls-private-key-file", "", "serving key (PEM)")
		metrics    = fs.String("metrics-listen-address", "127.0.0.1:9402", "Prometheus metrics address")
		version    = fs.Bool("version", false, "print the version and exit")
	)
	klog.InitFlags(fs)
	_ = fs.Parse(os.Args[1:])
	if *version {
		fmt.Printf("cert-manager webhook %s (storefleet entrypoint)\n", util.AppVersion)
		return
	}
	log := logf.Log.WithName("webhook")

	// The versioned configuration, defaulted and converted the way cert-manager does it.
	securePort, healthzPort := int32(*port), int32(*healthz)
	ext := &v1alpha1.WebhookConfiguration{
		KubeConfig:           *kubeconfig,
		SecurePort:           &securePort,
		HealthzPort:          &healthzPort,
		MetricsListenAddress: *metrics,
	}
	ext.TLSConfig.Filesystem.CertFile = *certFile
	ext.TLSConfig.Filesystem.KeyFile = *keyFile
	scheme, _, err := webhookscheme.NewSchemeAndCodecs()
	if err == nil {
		scheme.Default(ext)
	}
	var cfg webhookconfig.WebhookConfiguration
	if err == nil {
		err = scheme.Convert(ext, &cfg, nil)
	}
	if err != nil {
		log.Error(err, "building the webhook configuration")
		os.Exit(1)
	}

	srv, err := cmwebhook.NewCertManagerWebhookServer(log, cfg)
	if err != nil {
		log.Error(err, "building the webhook server")
		os.Exit(1)
	}
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	if err := srv.Run(logf.NewContext(ctx, log)); err != nil {
		log.Error(err, "webhook server stopped")
		os.Exit(1)
	}
}
