// A minimal cert-manager cainjector entrypoint: copies CA bundles into webhook
// configurations, APIServices and CRD conversion webhooks annotated with
// cert-manager.io/inject-ca-from(-secret). Upstream's command (cmd/cainjector) is a nested
// module the Go module proxy does not serve; the reconcilers are
// pkg/controller/cainjector in the cert-manager module. Not needed by the bundled cluster
// (see cluster/ACME-AND-METRICS.md); built on request.
package main

import (
	"context"
	"flag"
	"fmt"
	"os"
	"os/signal"
	"syscall"

	admissionv1 "k8s.io/api/admissionregistration/v1"
	corev1 "k8s.io/api/core/v1"
	apiextv1 "k8s.io/apiextensions-apiserver/pkg/apis/apiextensions/v1"
	"k8s.io/apimachinery/pkg/runtime"
	utilruntime "k8s.io/apimachinery/pkg/util/runtime"
	"k8s.io/client-go/tools/clientcmd"
	"k8s.io/klog/v2"
	apiregv1 "k8s.io/kube-aggregator/pkg/apis/apiregistration/v1"
	ctrl "sigs.k8s.io/controller-runtime"
	metricsserver "sigs.k8s.io/controller-runtime/pkg/metrics/server"

	cmscheme "github.com/cert-manager/cert-manager/pkg/client/clientset/versioned/scheme"
	"github.com/cert-manager/cert-manager/pkg/controller/cainjector"
	logf "github.com/cert-manager/cert-manager/pkg/logs"
	"github.com/cert-manager/cert-manager/pkg/util"
)

func main() {
	// Our own flag set: controller-runtime registers --kubeconfig on the global one.
	fs := flag.NewFlagSet(os.Args[0], flag.ExitOnError)
	var (
		kubeconfig = fs.String("kubeconfig", "", "kubeconfig of the cluster (in-cluster config when empty)")
		namespace  = fs.String("namespace", "", "only inject from Certificates/Secrets in this namespace (all when empty)")
		version    = fs.Bool("version", false, "print the version and exit")
	)
	klog.InitFlags(fs)
	_ = fs.Parse(os.Args[1:])
	if *version {
		fmt.Printf("cert-manager cainjector %s (storefleet entrypoint)\n", util.AppVersion)
		return
	}
	log := logf.Log.WithName("cainjector")
	ctrl.SetLogger(log)
	fail := func(err error, what string) { log.Error(err, what); os.Exit(1) }

	restcfg, err := clientcmd.BuildConfigFromFlags("", *kubeconfig)
	if err != nil {
		fail(err, "loading the kubeconfig")
	}
	scheme := runtime.NewScheme()
	utilruntime.Must(corev1.AddToScheme(scheme))
	utilruntime.Must(admissionv1.AddToScheme(scheme))
	utilruntime.Must(apiextv1.AddToScheme(scheme))
	utilruntime.Must(apiregv1.AddToScheme(scheme))
	utilruntime.Must(cmscheme.AddToScheme(scheme))
	mgr, err := ctrl.NewManager(restcfg, ctrl.Options{
		Scheme:         scheme,
		Metrics:        metricsserver.Options{BindAddress: "0"},
		LeaderElection: false,
	})
	if err != nil {
		fail(err, "creating the manager")
	}
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	err = cainjector.RegisterAllInjectors(ctx, mgr, cainjector.SetupOptions{
		Namespace:                    *namespace,
		EnableCertificatesDataSource: true,
		EnabledReconcilersFor: map[string]bool{
			cainjector.MutatingWebhookConfigurationName:   true,
			cainjector.ValidatingWebhookConfigurationName: true,
			cainjector.APIServiceName:                     true,
			cainjector.CustomResourceDefinitionName:       true,
		},
	})
	if err != nil {
		fail(err, "registering the injectors")
	}
	if err := mgr.Start(ctx); err != nil {
		fail(err, "manager stopped")
	}
}
