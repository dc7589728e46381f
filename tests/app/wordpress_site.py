"""A real, throwaway WordPress site on localhost: Debian's ``wordpress`` package, MariaDB, PHP.

Everything lives in one short temporary folder (a unix socket path must stay under 108
bytes): a private MariaDB data folder and socket, a document root of symlinks into
``/usr/share/wordpress`` with our own ``wp-config.php`` and a writable ``wp-content``, and
``php -S`` serving it. The site is installed and its Application Password created through
WordPress's own PHP API, the way the admin screen would. Nothing in ``/etc`` is touched.
"""

from __future__ import annotations

import json
import os
import shutil
import signal
import socket
import subprocess
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path

import requests

WORDPRESS = Path("/usr/share/wordpress")
PROGRAMS = ("mariadb-install-db", "mariadbd", "mariadb-admin", "mariadb", "php")
# Debian's own files that must not be linked: we bring our own config and content folder.
_NOT_LINKED = {"wp-config.php", "wp-content", ".htaccess"}

ADMIN = "editor"
ADMIN_LOGIN_PASSWORD = "login-password-not-for-the-api"

_WP_CONFIG = """<?php
// Written by the test fixture. Debian's wp-config.php would read /etc/wordpress instead.
define('DB_NAME', 'wordpress');
define('DB_USER', 'wp');
define('DB_PASSWORD', 'wp');
define('DB_HOST', 'localhost:{socket}');
define('DB_CHARSET', 'utf8mb4');
define('DB_COLLATE', '');
$table_prefix = 'wp_';
// Application Passwords are refused over plain http unless the site says it is local.
define('WP_ENVIRONMENT_TYPE', 'local');
define('WP_HOME', '{url}');
define('WP_SITEURL', '{url}');
define('WP_CONTENT_DIR', '{docroot}/wp-content');
define('DISABLE_WP_CRON', true);
define('AUTOMATIC_UPDATER_DISABLED', true);
define('WP_HTTP_BLOCK_EXTERNAL', true);
// PHP 8.2 deprecation notices from WordPress 6.1 would otherwise corrupt the JSON answers.
define('WP_DEBUG', false);
define('WP_DEBUG_DISPLAY', false);
ini_set('display_errors', '0');
define('AUTH_KEY', 'test'); define('SECURE_AUTH_KEY', 'test'); define('LOGGED_IN_KEY', 'test');
define('NONCE_KEY', 'test'); define('AUTH_SALT', 'test'); define('SECURE_AUTH_SALT', 'test');
define('LOGGED_IN_SALT', 'test'); define('NONCE_SALT', 'test');
if (!defined('ABSPATH')) {{ define('ABSPATH', '{docroot}/'); }}
require_once ABSPATH . 'wp-settings.php';
"""

# php -S router: real files are served (PHP ones run), everything else goes to index.php,
# which is what a web server's rewrite rules do for pretty permalinks.
_ROUTER = """<?php
// PHP resolves symlinks in __DIR__: without this, wp-load.php would find Debian's config.
define('ABSPATH', '{docroot}/');
$path = parse_url($_SERVER['REQUEST_URI'], PHP_URL_PATH);
$file = ABSPATH . ltrim(urldecode($path), '/');
if (is_dir($file) && is_file(rtrim($file, '/') . '/index.php')) {{
    $file = rtrim($file, '/') . '/index.php';
}}
if ($path !== '/' && is_file($file)) {{
    if (substr($file, -4) !== '.php') {{
        return false;
    }}
    chdir(dirname($file));
    require $file;
    return true;
}}
$_SERVER['SCRIPT_NAME'] = '/index.php';
$_SERVER['PHP_SELF'] = '/index.php';
chdir(ABSPATH);
require ABSPATH . 'index.php';
"""

_INSTALL = """<?php
// Install the site and make an Application Password, as the admin screens would.
define('ABSPATH', '{docroot}/');
define('WP_INSTALLING', true);
$_SERVER['HTTP_HOST'] = '{host}';
require ABSPATH . 'wp-load.php';
require_once ABSPATH . 'wp-admin/includes/upgrade.php';
add_filter('pre_http_request', function () {{ return new WP_Error('blocked', 'offline'); }});
$result = wp_install('Buddy Interviews test blog', '{admin}', 'editor@example.org', false, '',
    '{login_password}');
global $wp_rewrite;
$wp_rewrite->set_permalink_structure('/%year%/%postname%/');
update_option('rewrite_rules', '');
[$password, $item] = WP_Application_Passwords::create_new_application_password(
    $result['user_id'], ['name' => 'Buddy Interviews tests']);
$subscriber = wp_insert_user(['user_login' => 'reader', 'user_pass' => 'reader-login',
    'role' => 'subscriber', 'user_email' => 'reader@example.org']);
[$reader_password, $item2] = WP_Application_Passwords::create_new_application_password(
    $subscriber, ['name' => 'Buddy Interviews tests']);
echo json_encode(['password' => $password, 'reader_password' => $reader_password]);
"""

_PERMALINKS = """<?php
define('ABSPATH', '{docroot}/');
require ABSPATH . 'wp-load.php';
global $wp_rewrite;
$wp_rewrite->set_permalink_structure($argv[1]);
update_option('rewrite_rules', '');
"""


def missing_programs() -> list[str]:
    """What this machine lacks to run the site (empty when it can)."""
    missing = [p for p in PROGRAMS if shutil.which(p) is None and not Path("/usr/sbin", p).exists()]
    if not (WORDPRESS / "wp-load.php").exists():
        missing.append("wordpress")
    result = (
        subprocess.run(
            ["php", "-r", "exit(function_exists('mysqli_connect') ? 0 : 1);"],
            capture_output=True,
            check=False,
        )
        if "php" not in missing
        else None
    )
    if result is not None and result.returncode != 0:
        missing.append("php-mysql")
    return missing


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _program(name: str) -> str:
    return shutil.which(name) or str(Path("/usr/sbin", name))


def _wait(check, what: str, timeout: float = 60.0) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if check():
            return
        time.sleep(0.05)
    raise RuntimeError(f"{what} did not start within {timeout:.0f} s")


def stop_group(process: subprocess.Popen, timeout: float = 10.0) -> None:
    """Stop a child started with its own session, workers included."""
    if process.poll() is not None:
        return
    try:
        os.killpg(process.pid, signal.SIGTERM)
        process.wait(timeout=timeout)
    except subprocess.TimeoutExpired:
        os.killpg(process.pid, signal.SIGKILL)
        process.wait(timeout=timeout)
    except ProcessLookupError:
        pass


@dataclass
class WordPressSite:
    root: Path
    url: str = ""
    user: str = ADMIN
    password: str = ""  # the Application Password
    reader: str = "reader"  # a subscriber: may read, may not write posts
    reader_password: str = ""
    start_seconds: float = 0.0
    stop_seconds: float = 0.0
    _processes: list[subprocess.Popen] = field(default_factory=list)

    @property
    def socket(self) -> Path:
        return self.root / "db.sock"

    @property
    def docroot(self) -> Path:
        return self.root / "www"

    def api(self, route: str, method: str = "GET", **kwargs) -> requests.Response:
        """A call to the site's REST API as the editor, for checking what was stored."""
        return requests.request(
            method,
            f"{self.url}/wp-json{route}",
            auth=(self.user, self.password),
            timeout=30,
            **kwargs,
        )

    def php(self, script: str, *args: str) -> str:
        path = self.root / "script.php"
        path.write_text(script, encoding="utf-8")
        result = subprocess.run(
            ["php", "-d", "display_errors=stderr", str(path), *args],
            capture_output=True,
            text=True,
            timeout=120,
            check=False,
        )
        if result.returncode != 0:
            raise RuntimeError(f"php failed: {result.stdout}\n{result.stderr}")
        return result.stdout

    def set_permalinks(self, structure: str) -> None:
        """'' for plain permalinks (no /wp-json/ path, only ?rest_route=)."""
        self.php(_PERMALINKS.format(docroot=self.docroot), structure)

    # -- start and stop -----------------------------------------------------------------

    def start(self) -> WordPressSite:
        started = time.monotonic()
        self._start_database()
        port = free_port()
        self.url = f"http://127.0.0.1:{port}"
        self._write_docroot()
        answer = self.php(
            _INSTALL.format(
                docroot=self.docroot,
                host=f"127.0.0.1:{port}",
                admin=ADMIN,
                login_password=ADMIN_LOGIN_PASSWORD,
            )
        )
        secrets = json.loads(answer[answer.index("{") :])
        self.password, self.reader_password = secrets["password"], secrets["reader_password"]
        self._spawn(
            ["php", "-S", f"127.0.0.1:{port}", "-t", str(self.docroot), str(self.root / "r.php")],
            "php.log",
        )
        _wait(lambda: self._answers(), "php -S")
        self.start_seconds = time.monotonic() - started
        return self

    def _answers(self) -> bool:
        try:
            return requests.get(f"{self.url}/wp-json/", timeout=5).status_code == 200
        except requests.RequestException:
            return False

    def _spawn(self, command: list[str], log: str) -> subprocess.Popen:
        out = (self.root / log).open("wb")
        process = subprocess.Popen(
            command, stdout=out, stderr=subprocess.STDOUT, start_new_session=True
        )
        out.close()
        self._processes.append(process)
        return process

    def _start_database(self) -> None:
        data = self.root / "db"
        as_root = ["--user=root"] if os.geteuid() == 0 else []
        subprocess.run(
            [
                _program("mariadb-install-db"),
                "--no-defaults",
                f"--datadir={data}",
                "--auth-root-authentication-method=normal",
                "--skip-test-db",
                "--innodb-log-file-size=4M",
                *as_root,
            ],
            capture_output=True,
            check=True,
            timeout=120,
        )
        self._spawn(
            [
                _program("mariadbd"),
                "--no-defaults",
                f"--datadir={data}",
                f"--socket={self.socket}",
                f"--port={free_port()}",
                "--bind-address=127.0.0.1",
                "--skip-name-resolve",
                "--skip-log-bin",
                "--innodb-buffer-pool-size=64M",
                f"--pid-file={self.root / 'db.pid'}",
                *as_root,
            ],
            "db.log",
        )
        admin = [_program("mariadb-admin"), "--no-defaults", f"--socket={self.socket}", "-uroot"]
        _wait(
            lambda: (
                subprocess.run([*admin, "ping"], capture_output=True, check=False).returncode == 0
            ),
            "MariaDB",
        )
        subprocess.run(
            [_program("mariadb"), "--no-defaults", f"--socket={self.socket}", "-uroot"],
            input=(
                "CREATE DATABASE wordpress CHARACTER SET utf8mb4;"
                "CREATE USER 'wp'@'localhost' IDENTIFIED BY 'wp';"
                "GRANT ALL ON wordpress.* TO 'wp'@'localhost';"
            ),
            text=True,
            capture_output=True,
            check=True,
            timeout=60,
        )

    def _write_docroot(self) -> None:
        www = self.docroot
        www.mkdir()
        for entry in WORDPRESS.iterdir():
            if entry.name not in _NOT_LINKED:
                (www / entry.name).symlink_to(entry)
        for sub in ("themes", "plugins", "uploads"):
            (www / "wp-content" / sub).mkdir(parents=True)
        (www / "wp-config.php").write_text(
            _WP_CONFIG.format(socket=self.socket, url=self.url, docroot=www), encoding="utf-8"
        )
        (self.root / "r.php").write_text(_ROUTER.format(docroot=www), encoding="utf-8")

    def stop(self) -> None:
        started = time.monotonic()
        for process in reversed(self._processes):
            stop_group(process)
        self._processes.clear()
        self.stop_seconds = time.monotonic() - started


def start_site() -> WordPressSite:
    """Start a fresh site in a new short folder under /tmp; the caller must ``stop`` it."""
    root = Path(tempfile.mkdtemp(prefix="bi-wp-", dir="/tmp"))
    site = WordPressSite(root)
    try:
        return site.start()
    except BaseException:
        site.stop()
        raise


def remove_site(site: WordPressSite) -> None:
    site.stop()
    shutil.rmtree(site.root, ignore_errors=True)
