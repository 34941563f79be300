// A minimal cert-manager controller entrypoint for the bundled test cluster. Upstream's
// command (cmd/controller) is a nested module that the Go module proxy does not serve; its
// control loops, issuers and ACME client all live in the cert-manager module itself and
// register themselves when imported. This runs them against one kubeconfig, without leader
// election (one instance), metrics or webhooks; defaults are cert-manager's own.
package main

import (
	"context"
	"flag"
	"fmt"
	"os"
	"os/signal"
	"slices"
	"strings"
	"sync"
	"syscall"
	"time"

	"k8s.io/apimachinery/pkg/api/resource"
	"k8s.io/apimachinery/pkg/util/sets"
	"k8s.io/klog/v2"

	controllerpkg "github.com/cert-manager/cert-manager/pkg/controller"
	logf "github.com/cert-manager/cert-manager/pkg/logs"
	"github.com/cert-manager/cert-manager/pkg/util"

	// Each control loop registers itself with controllerpkg.Register in its init.
	_ "github.com/cert-manager/cert-manager/pkg/controller/acmechallenges"
	_ "github.com/cert-manager/cert-manager/pkg/controller/acmeorders"
	_ "github.com/cert-manager/cert-manager/pkg/controller/certificate-shim/ingresses"
	_ "github.com/cert-manager/cert-manager/pkg/controller/certificaterequests/acme"
	_ "github.com/cert-manager/cert-manager/pkg/controller/certificaterequests/approver"
	_ "github.com/cert-manager/cert-manager/pkg/controller/certificaterequests/ca"
	_ "github.com/cert-manager/cert-manager/pkg/controller/certificaterequests/selfsigned"
	_ "github.com/cert-manager/cert-manager/pkg/controller/certificates/issuing"
	_ "github.com/cert-manager/cert-manager/pkg/controller/certificates/keymanager"
	_ "github.com/cert-manager/cert-manager/pkg/controller/certificates/metrics"
	_ "github.com/cert-manager/cert-manager/pkg/controller/certificates/readiness"
	_ "github.com/cert-manager/cert-manager/pkg/controller/certificates/requestmanager"
	_ "github.com/cert-manager/cert-manager/pkg/controller/certificates/revisionmanager"
	_ "github.com/cert-manager/cert-manager/pkg/controller/certificates/trigger"
	_ "github.com/cert-manager/cert-manager/pkg/controller/clusterissuers"
	_ "github.com/cert-manager/cert-manager/pkg/controller/issuers"
	// The issuer types the issuers/clusterissuers loops set up (ACME, CA, self-signed).
	_ "github.com/cert-manager/cert-manager/pkg/issuer/acme"
	_ "github.com/cert-manager/cert-manager/pkg/issuer/ca"
	_ "github.com/cert-manager/cert-manager/pkg/issuer/selfsigned"
)

// The control loops cert-manager enables by default, less Vault and Venafi (not built in).
var defaultControllers = []string{
	"issuers", "clusterissuers", "certificates-metrics", "ingress-shim", "orders", "challenges",
	"certificaterequests-issuer-acme", "certificaterequests-approver",
	"certificaterequests-issuer-ca", "certificaterequests-issuer-selfsigned",
	"certificates-trigger", "certificates-issuing", "certificates-key-manager",
	"certificates-request-manager", "certificates-readiness", "certificates-revision-manager",
}

func splitList(s string) []string {
	var out []string
	for _, v := range strings.Split(s, ",") {
		if v = strings.TrimSpace(v); v != "" {
			out = append(out, v)
		}
	}
	return out
}

func main() {
	var (
		kubeconfig      = flag.String("kubeconfig", "", "kubeconfig of the cluster (in-cluster config when empty)")
		clusterResNS    = flag.String("cluster-resource-namespace", "cert-manager", "namespace of the Secrets that ClusterIssuers refer to (ACME account keys, CA keys)")
		solverImage     = flag.String("acme-http01-solver-image", "storefleet.local/cert-manager-acmesolver:"+util.AppVersion, "image of the HTTP-01 solver pods")
		solverNonRoot   = flag.Bool("acme-http01-solver-run-as-non-root", true, "run the HTTP-01 solver pods as non-root")
		http01NS        = flag.String("acme-http01-solver-nameservers", "", "host:port nameservers for the HTTP-01 self-check (comma separated; the host's resolver when empty)")
		dns01NS         = flag.String("dns01-recursive-nameservers", "", "host:port nameservers for the DNS-01 self-check (comma separated)")
		controllers     = flag.String("controllers", strings.Join(defaultControllers, ","), "control loops to run (comma separated)")
		workers         = flag.Int("concurrent-workers", 5, "workers per control loop")
		ownerRef        = flag.Bool("enable-certificate-owner-ref", false, "make each Certificate the owner of its Secret")
		defaultIssuer   = flag.String("default-issuer-name", "", "issuer for Ingresses annotated kubernetes.io/tls-acme only")
		defaultIssuerKd = flag.String("default-issuer-kind", "ClusterIssuer", "kind of --default-issuer-name")
		version         = flag.Bool("version", false, "print the version and exit")
	)
	klog.InitFlags(nil)
	flag.Parse()
	if *version {
		fmt.Printf("cert-manager controller %s (storefleet entrypoint)\n", util.AppVersion)
		return
	}

	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	ctx = logf.NewContext(ctx, logf.Log, "controller")
	log := logf.FromContext(ctx)

	// A misspelt or unbuilt control loop would otherwise be skipped without a word.
	enabled := splitList(*controllers)
	for _, name := range enabled {
		if _, ok := controllerpkg.Known()[name]; !ok {
			fmt.Fprintf(os.Stderr, "unknown controller %q (not built in)\n", name)
			os.Exit(2)
		}
	}

	opts := controllerpkg.ContextOptions{
		Kubeconfig:         *kubeconfig,
		KubernetesAPIQPS:   20,
		KubernetesAPIBurst: 50,
		IssuerOptions: controllerpkg.IssuerOptions{
			ClusterResourceNamespace:        *clusterResNS,
			ClusterIssuerAmbientCredentials: true,
		},
		ACMEOptions: controllerpkg.ACMEOptions{
			HTTP01SolverImage:                 *solverImage,
			HTTP01SolverResourceRequestCPU:    resource.MustParse("10m"),
			HTTP01SolverResourceRequestMemory: resource.MustParse("64Mi"),
			HTTP01SolverResourceLimitsCPU:     resource.MustParse("100m"),
			HTTP01SolverResourceLimitsMemory:  resource.MustParse("64Mi"),
			ACMEHTTP01SolverRunAsNonRoot:      *solverNonRoot,
			HTTP01SolverNameservers:           splitList(*http01NS),
			DNS01CheckAuthoritative:           true,
			DNS01Nameservers:                  splitList(*dns01NS),
			DNS01CheckRetryPeriod:             10 * time.Second,
		},
		IngressShimOptions: controllerpkg.IngressShimOptions{
			DefaultIssuerName:                 *defaultIssuer,
			DefaultIssuerKind:                 *defaultIssuerKd,
			DefaultIssuerGroup:                "cert-manager.io",
			DefaultAutoCertificateAnnotations: []string{"kubernetes.io/tls-acme"},
			GatewayAPIExtraProtocols:          sets.New[string](),
		},
		CertificateOptions: controllerpkg.CertificateOptions{
			EnableOwnerRef:                           *ownerRef,
			CopiedAnnotationPrefixes:                 []string{"*", "-kubectl.kubernetes.io/", "-fluxcd.io/", "-argocd.argoproj.io/"},
			CertificateRequestMinimumBackoffDuration: time.Hour,
			CertificateRequestMaximumBackoffDuration: 32 * time.Hour,
		},
		SchedulerOptions: controllerpkg.SchedulerOptions{MaxConcurrentChallenges: 60},
	}
	factory, err := controllerpkg.NewContextFactory(ctx, opts)
	if err != nil {
		log.Error(err, "building the controller context")
		os.Exit(1)
	}

	var wg sync.WaitGroup
	for name, construct := range controllerpkg.Known() {
		if !slices.Contains(enabled, name) {
			continue
		}
		c, err := construct(factory)
		if err != nil {
			log.Error(err, "constructing control loop", "controller", name)
			os.Exit(1)
		}
		wg.Add(1)
		go func() {
			defer wg.Done()
			log.Info("starting control loop", "controller", name)
			if err := c.Run(*workers, ctx); err != nil {
				log.Error(err, "control loop failed", "controller", name)
				os.Exit(1)
			}
		}()
	}

	// The informer factories are shared by every Context the factory builds.
	shared, err := factory.Build()
	if err != nil {
		log.Error(err, "building the shared context")
		os.Exit(1)
	}
	shared.KubeSharedInformerFactory.Start(ctx.Done())
	shared.SharedInformerFactory.Start(ctx.Done())
	shared.HTTP01ResourceMetadataInformersFactory.Start(ctx.Done())
	wg.Wait()
	log.Info("control loops stopped")
}
