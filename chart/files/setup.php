<?php
/**
 * The store's setup step, run by the setup Job with the store's own WordPress image (its
 * PHP, its WordPress files, its wp-config.php), so no WP-CLI image is needed. Every step
 * checks before it acts: running it again after an upgrade changes nothing that is right.
 *
 *   php setup.php          all phases below, each in a fresh PHP process, then a summary
 *   php setup.php core     install WordPress (title, admin user with the platform's password)
 *   php setup.php plugin   fetch WooCommerce from woocommerce.source and activate it
 *   php setup.php shop     configure WooCommerce (country, currency, pages, payment, shipping,
 *                          a sample product) and open the shop to visitors
 *   php setup.php verify   the Store API lists the sample product through the store's Service
 *
 * Phases are separate processes because WordPress loads active plugins only once it is
 * installed, and WooCommerce can only be configured from a process that loaded it.
 * Exit codes: 0 done, 1 failed (the Job tries again), 2 failed for a reason no retry mends (the
 * Job stops at once: a zip that fails its checksum, a plugin that will not activate), 3
 * WooCommerce not available (the store runs without it).
 */

const DOCROOT = '/var/www/html';
const SECRETS = '/run/secrets/store';
const PLUGIN = 'woocommerce/woocommerce.php';
const STATUS_FILE = '/tmp/storefleet-woocommerce-status';
const PERMANENT_FAILURE = 2;
const WOOCOMMERCE_MISSING = 3;
const SAMPLE_PRODUCT = 'sample-product';
/** When the platform set the shop up (the option's value); absent until it has. */
const SHOP_CONFIGURED = 'storefleet_shop_configured';

function say(string $message): void {
	fwrite(STDOUT, "storefleet: $message\n");
}

/** A plain reason for whoever looks at the Job: its log and the pod's termination message. */
function finish(int $code, string $message): never {
	say($message);
	@file_put_contents('/dev/termination-log', $message);
	exit($code);
}

/** X_FILE wins over X, like the images' entrypoints. */
function setting(string $name, string $default = ''): string {
	$file = getenv($name . '_FILE');
	if ($file) {
		return rtrim((string) file_get_contents($file), "\r\n");
	}
	$value = getenv($name);
	return $value === false ? $default : $value;
}

$phase = $argv[1] ?? 'all';
$url = setting('STORE_URL');

if ($phase === 'all') {
	$run = function (string $phase): int {
		passthru(escapeshellarg(PHP_BINARY) . ' ' . escapeshellarg(__FILE__) . ' ' . $phase, $code);
		return $code;
	};
	@unlink(STATUS_FILE);
	if (($code = $run('core')) !== 0) {
		exit($code);
	}
	$code = $run('plugin');
	if ($code === 0) {
		if (($code = $run('shop')) !== 0 || ($code = $run('verify')) !== 0) {
			exit($code);
		}
		$woocommerce = trim((string) @file_get_contents(STATUS_FILE));
	} elseif ($code === WOOCOMMERCE_MISSING) {
		$woocommerce = trim((string) @file_get_contents(STATUS_FILE));
	} else {
		exit($code);
	}
	finish(0, "WordPress is set up at $url; $woocommerce");
}

if ($phase === 'verify') {
	// What a shopper's browser asks first, through the Service the ingress routes to (a fresh
	// WordPress pod may still be warming up, and a new pod's first packets may be dropped).
	// Any list will do: after the first setup the products are the shop admin's to change.
	$products = setting('STORE_SERVICE_URL') . '/wp-json/wc/store/v1/products';
	$context = stream_context_create(['http' => ['timeout' => 10, 'ignore_errors' => true]]);
	for ($attempt = 1; ; $attempt++) {
		$body = @file_get_contents($products, false, $context);
		$status = isset($http_response_header[0]) ? $http_response_header[0] : 'no answer';
		$listed = is_string($body) ? json_decode($body, true) : null;
		if (is_array($listed) && array_is_list($listed)) {
			$names = implode(', ', array_map(fn ($item) => (string) ($item['name'] ?? '?'), $listed));
			say('the Store API lists ' . count($listed) . " product(s) through the store's Service ($products): $names");
			exit(0);
		}
		if ($attempt === 30) {
			finish(1, "setup failed: the shop's Store API does not answer with its products: $products answered $status");
		}
		sleep(2);
	}
}

// WordPress expects a web request; describe the store's own URL.
$parts = parse_url($url);
$_SERVER['HTTP_HOST'] = $parts['host'] . (isset($parts['port']) ? ':' . $parts['port'] : '');
$_SERVER['SERVER_NAME'] = $parts['host'];
$_SERVER['SERVER_PORT'] = $parts['port'] ?? (($parts['scheme'] ?? 'http') === 'https' ? 443 : 80);
$_SERVER['REQUEST_URI'] = '/';
$_SERVER['REQUEST_METHOD'] = 'GET';
$_SERVER['SERVER_PROTOCOL'] = 'HTTP/1.1';
if (($parts['scheme'] ?? 'http') === 'https') {
	$_SERVER['HTTPS'] = 'on';
}
// The plugin is unpacked by this process into wp-content, which it owns.
define('FS_METHOD', 'direct');

if ($phase === 'core') {
	// MariaDB may still be starting (first boot) or restarting: wait, and say so.
	[$host, $port] = array_pad(explode(':', setting('WORDPRESS_DB_HOST', 'localhost'), 2), 2, '3306');
	mysqli_report(MYSQLI_REPORT_OFF);
	for ($attempt = 1; ; $attempt++) {
		$db = @mysqli_connect($host, setting('WORDPRESS_DB_USER'), setting('WORDPRESS_DB_PASSWORD'), setting('WORDPRESS_DB_NAME'), (int) $port);
		if ($db) {
			mysqli_close($db);
			break;
		}
		if ($attempt === 60) {
			finish(1, "setup failed: the database at $host:$port does not answer: " . mysqli_connect_error());
		}
		if ($attempt === 1) {
			say("waiting for the database at $host:$port (" . mysqli_connect_error() . ')');
		}
		sleep(2);
	}
	// Loading WordPress before it is installed would redirect to install.php.
	define('WP_INSTALLING', true);
}

// The store's admin learns the password from the platform; no mail server to tell it to.
function wp_new_blog_notification($blog_title, $blog_url, $user_id, $password) {
}

require DOCROOT . '/wp-load.php';
require_once ABSPATH . 'wp-admin/includes/upgrade.php';
require_once ABSPATH . 'wp-admin/includes/plugin.php';
require_once ABSPATH . 'wp-admin/includes/file.php';
require_once ABSPATH . 'wp-admin/includes/misc.php';

/** The shop as the platform first sets it up: open, payable, deliverable, with one product. */
function configure_shop(): void {
	update_option('woocommerce_default_country', setting('STORE_COUNTRY', 'US:CA'));
	update_option('woocommerce_currency', setting('STORE_CURRENCY', 'USD'));
	// Shop, cart, checkout and my-account pages (only those missing).
	WC_Install::create_pages();
	// A new WooCommerce shows visitors a "coming soon" page and its admin a setup wizard;
	// the platform has set the shop up, so it opens at once.
	update_option('woocommerce_coming_soon', 'no');
	update_option('woocommerce_onboarding_profile', ['skipped' => true] + (array) get_option('woocommerce_onboarding_profile', []));
	update_option('woocommerce_task_list_hidden', 'yes');
	delete_transient('_wc_activation_redirect');
	// Cash on delivery on; its other settings left as they are.
	$cod = (array) get_option('woocommerce_cod_settings', []);
	update_option('woocommerce_cod_settings', ['enabled' => 'yes', 'title' => 'Cash on delivery', 'description' => 'Pay with cash upon delivery.'] + $cod);
	say('enabled Cash on delivery');
	// A shipping method for addresses no zone covers, else a physical product cannot be bought.
	$everywhere = new WC_Shipping_Zone(0);
	if (!$everywhere->get_shipping_methods()) {
		$everywhere->add_shipping_method('free_shipping');
		say('added free shipping for every address');
	}
	// The shop is the front page, unless one was chosen already.
	if (get_option('show_on_front') === 'posts' && (int) get_option('page_on_front') === 0 && ($shop = wc_get_page_id('shop')) > 0) {
		update_option('show_on_front', 'page');
		update_option('page_on_front', $shop);
		say('the shop page is the front page');
	}
	if (!get_page_by_path(SAMPLE_PRODUCT, OBJECT, 'product')) {
		$product = new WC_Product_Simple();
		$product->set_name('Sample product');
		$product->set_slug(SAMPLE_PRODUCT);
		$product->set_regular_price('9.99');
		$product->set_manage_stock(true);
		$product->set_stock_quantity(100);
		$product->set_status('publish');
		$product->save();
		say('created the sample product (9.99, 100 in stock)');
	}
}

$title = setting('STORE_TITLE', 'My Store');
$adminUser = setting('ADMIN_USER', 'admin');

switch ($phase) {
	case 'core':
		if (is_blog_installed()) {
			say("WordPress $wp_version is already installed");
			// A newer WordPress image brings database changes of its own.
			if ((int) get_option('db_version') < (int) $wp_db_version) {
				wp_upgrade();
				say("upgraded the WordPress database to version $wp_db_version");
			}
		} else {
			$password = setting('ADMIN_PASSWORD');
			if ($password === '') {
				finish(1, 'setup failed: the admin password from the Secret is empty');
			}
			$result = wp_install($title, $adminUser, setting('ADMIN_EMAIL', 'admin@example.com'), true, '', $password);
			say("installed WordPress $wp_version: \"$title\", admin user \"$adminUser\" (user id {$result['user_id']})");
		}
		// Pretty permalinks: the REST API at /wp-json/ and WooCommerce's pages need them.
		if (get_option('permalink_structure') !== '/%postname%/') {
			$wp_rewrite->set_permalink_structure('/%postname%/');
			flush_rewrite_rules(false);
			say('permalinks set to /%postname%/');
		}
		exit(0);

	case 'plugin':
		$version = setting('WOOCOMMERCE_VERSION');
		$source = str_replace('{version}', $version, setting('WOOCOMMERCE_SOURCE'));
		// $lasting: no retry would mend it (a bad zip, a plugin that refuses this WordPress or PHP).
		$missing = function (string $why, bool $lasting = true) {
			$message = "WooCommerce is not available: $why";
			file_put_contents(STATUS_FILE, $message);
			if (setting('WOOCOMMERCE_REQUIRED') === 'true') {
				finish($lasting ? PERMANENT_FAILURE : 1, "setup failed: $message");
			}
			say("$message; the store runs WordPress without it");
			exit(WOOCOMMERCE_MISSING);
		};
		if (!file_exists(WP_PLUGIN_DIR . '/' . PLUGIN)) {
			if ($source === '') {
				$missing('no source is configured (woocommerce.source is empty)');
			}
			if (preg_match('#^https?://#', $source)) {
				// WordPress reports an unresolvable host as "A valid URL was not provided".
				$host = (string) parse_url($source, PHP_URL_HOST);
				if (!filter_var($host, FILTER_VALIDATE_IP) && gethostbynamel($host) === false) {
					$missing("could not download $source: the name $host does not resolve here (no internet access?)", false);
				}
				say("downloading WooCommerce $version from $source");
				$zip = download_url($source, 120);
				if (is_wp_error($zip)) {
					$missing("could not download $source: " . $zip->get_error_message(), false);
				}
			} elseif (is_readable($source)) {
				$zip = $source;
			} else {
				$missing("$source is not a URL and not a readable file");
			}
			$expected = strtolower(setting('WOOCOMMERCE_SHA256'));
			if ($expected !== '' && ($actual = hash_file('sha256', $zip)) !== $expected) {
				if ($zip !== $source) {
					@unlink($zip);
				}
				$missing("the zip from $source does not match its checksum (sha256 $actual, expected $expected): use the published WooCommerce $version zip, or correct woocommerce.sha256");
			}
			WP_Filesystem();
			$unzipped = unzip_file($zip, WP_PLUGIN_DIR);
			if ($zip !== $source) {
				@unlink($zip);
			}
			if (is_wp_error($unzipped) || !file_exists(WP_PLUGIN_DIR . '/' . PLUGIN)) {
				$missing("$source is not a WooCommerce plugin zip" . (is_wp_error($unzipped) ? ': ' . $unzipped->get_error_message() : ''));
			}
			say("installed WooCommerce from $source");
		}
		// WooCommerce's autoloader asks for src/Caching/WPCacheEngine.php, but some of its
		// published zips ship that file as WpCacheEngine.php, which only a case-insensitive
		// filesystem forgives (woocommerce#44863): wp-admin then fails with a fatal error.
		$cacheEngine = WP_PLUGIN_DIR . '/woocommerce/src/Caching/';
		if (!file_exists($cacheEngine . 'WPCacheEngine.php') && file_exists($cacheEngine . 'WpCacheEngine.php')) {
			copy($cacheEngine . 'WpCacheEngine.php', $cacheEngine . 'WPCacheEngine.php');
			say('added src/Caching/WPCacheEngine.php, which this WooCommerce zip names WpCacheEngine.php');
		}
		if (!is_plugin_active(PLUGIN)) {
			$activated = activate_plugin(PLUGIN);
			if (is_wp_error($activated)) {
				$missing('it is installed but could not be activated: ' . wp_strip_all_tags($activated->get_error_message()));
			}
			say('activated WooCommerce');
		}
		exit(0);

	case 'shop':
		if (!class_exists('WooCommerce') || !function_exists('WC')) {
			finish(1, 'setup failed: WooCommerce is active but did not load');
		}
		$admin = get_user_by('login', $adminUser);
		wp_set_current_user($admin ? $admin->ID : 0);
		// Once per store: from then on the shop is its admin's, and an upgrade or a plan change
		// never reopens a closed shop, turns a payment method back on or brings back a product.
		if (get_option(SHOP_CONFIGURED)) {
			say('the shop was set up on ' . get_option(SHOP_CONFIGURED) . '; its settings are left as its admin made them');
		} else {
			configure_shop();
			update_option(SHOP_CONFIGURED, gmdate('Y-m-d\TH:i:s\Z'));
		}
		$message = 'WooCommerce ' . WC()->version . ' is active';
		file_put_contents(STATUS_FILE, $message);
		say($message);
		exit(0);

	default:
		finish(PERMANENT_FAILURE, "setup failed: unknown phase $phase");
}
