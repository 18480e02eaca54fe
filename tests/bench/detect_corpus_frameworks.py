"""Category frameworks: the settings files of web frameworks, build tools,
runtimes and deployment tools, as their documentation and generators write
them (issue 13 item 1, second half)."""
from detect_corpus_lib import P, N, A, b64, HEX, B64, ALNUM, YAML_PLAIN

CAT = "frameworks"


def build(c):
    for i in (0, 1):
        rails(c, i)
        laravel(c, i)
        django(c, i)
        wordpress(c, i)
        php(c, i)
        java(c, i)
        dotnet(c, i)
        connstrings(c, i)
        kubernetes(c, i)
        config_mgmt(c, i)


def rails(c, i):
    # Rails guides "Securing Rails Applications: Custom Credentials":
    # config/master.key holds 32 hex characters, nothing else.
    c.file(CAT, "rails-%d/config/master.key" % i, "Rails guides: Security, config/master.key",
           [P(c.rnd(32, HEX), "rails-master-key")], whole="rails-master-key-file")
    # Rails < 5.2 config/secrets.yml: secret_key_base (128 hex from `rails secret`)
    c.file(CAT, "rails-%d/config/secrets.yml" % i, "Rails 4.1-5.1 guides: config/secrets.yml", [
        "development:",
        P("  secret_key_base: %s" % c.rnd(128, HEX), "rails-secret-key-base"),
        "",
        "test:",
        P("  secret_key_base: %s" % c.rnd(128, HEX), "rails-secret-key-base"),
        "",
        "# Do not keep production secrets in the repository,",
        "# instead read values from the environment.",
        "production:",
        N("  secret_key_base: <%= ENV[\"SECRET_KEY_BASE\"] %>", "erb-env"),
        P("  stripe_secret_key: sk_live_%s" % c.rnd(24), "stripe"),
    ])
    pw = c.pick(i, avoid=YAML_PLAIN)
    c.file(CAT, "rails-%d/config/database.yml" % i, "Rails guides: Configuring a Database", [
        "default: &default",
        "  adapter: postgresql",
        "  encoding: unicode",
        "  pool: <%= ENV.fetch(\"RAILS_MAX_THREADS\") { 5 } %>",
        "",
        "production:",
        "  <<: *default",
        "  database: shop_production",
        "  username: shop",
        P("  password: %s" % pw, "yaml-password", pw),
        "  host: db.example.com",
    ])


def laravel(c, i):
    # Laravel docs "Configuration: Environment Configuration" (.env.example keys);
    # APP_KEY is base64: + 32 random bytes (php artisan key:generate)
    key = "base64:" + b64(bytes(c.r.randrange(256) for _ in range(32)))
    dbp, mp, rp = c.pick(i, avoid=" #\"'$"), c.pick(i + 1, avoid=" #\"'$"), c.pick(i, avoid=" #\"'$")
    c.file(CAT, "laravel-%d/.env" % i, "Laravel docs: Configuration, .env", [
        "APP_NAME=Laravel",
        "APP_ENV=production",
        P("APP_KEY=%s" % key, "laravel-app-key", key),
        "APP_DEBUG=false",
        "APP_URL=https://shop.example.com",
        "",
        "LOG_CHANNEL=stack",
        "",
        "DB_CONNECTION=mysql",
        "DB_HOST=127.0.0.1",
        "DB_PORT=3306",
        "DB_DATABASE=shop",
        "DB_USERNAME=shop",
        P("DB_PASSWORD=%s" % dbp, "env-password", dbp),
        "",
        "REDIS_HOST=127.0.0.1",
        N("REDIS_PASSWORD=null", "null"),
        "REDIS_PORT=6379",
        "",
        "MAIL_MAILER=smtp",
        "MAIL_HOST=smtp.mailgun.org",
        "MAIL_PORT=587",
        "MAIL_USERNAME=postmaster@mg.example.com",
        P("MAIL_PASSWORD=\"%s\"" % mp, "env-password", mp),
        "MAIL_ENCRYPTION=tls",
        "",
        "PUSHER_APP_ID=1234567",
        "PUSHER_APP_KEY=%s" % c.rnd(20, HEX),
        P("PUSHER_APP_SECRET=%s" % c.rnd(20, HEX), "env-secret"),
        "PUSHER_APP_CLUSTER=eu",
        N("VITE_PUSHER_APP_KEY=\"${PUSHER_APP_KEY}\"", "env-ref"),
        P("REDIS_CACHE_PASSWORD='%s'" % rp, "env-password", rp),
    ])


def django(c, i):
    # Django docs "Settings: SECRET_KEY"; startproject writes 'django-insecure-' + 50 chars
    chars = "abcdefghijklmnopqrstuvwxyz0123456789!@#$%^&*(-_=+)"
    sk = ("django-insecure-" if i == 0 else "") + c.rnd(50, chars)
    dbp, ep = c.pick(i, avoid="'\\"), c.pick(i + 1, avoid="'\\")
    c.file(CAT, "django-%d/mysite/settings.py" % i, "Django docs: settings (SECRET_KEY, DATABASES, EMAIL_HOST_PASSWORD)", [
        "from pathlib import Path",
        "",
        "BASE_DIR = Path(__file__).resolve().parent.parent",
        "",
        "# SECURITY WARNING: keep the secret key used in production secret!",
        P("SECRET_KEY = '%s'" % sk, "django-secret-key", sk),
        "",
        "DEBUG = False",
        "ALLOWED_HOSTS = ['www.example.com']",
        "",
        "DATABASES = {",
        "    'default': {",
        "        'ENGINE': 'django.db.backends.postgresql',",
        "        'NAME': 'mysite',",
        "        'USER': 'mysite',",
        P("        'PASSWORD': '%s'," % dbp, "python-dict-password", dbp),
        "        'HOST': 'localhost',",
        "        'PORT': '5432',",
        "    }",
        "}",
        "",
        "EMAIL_HOST = 'smtp.example.com'",
        "EMAIL_HOST_USER = 'noreply@example.com'",
        P("EMAIL_HOST_PASSWORD = '%s'" % ep, "python-password", ep),
        N("AUTH_PASSWORD_VALIDATORS = [", "code"),
        N("    {'NAME': 'django.contrib.auth.password_validation.UserAttributeSimilarityValidator'},", "code"),
        "]",
    ])


def wordpress(c, i):
    # WordPress developer docs "wp-config.php": DB_PASSWORD and the eight keys/salts
    # (api.wordpress.org/secret-key/1.1/salt/ gives 64 printable characters)
    salt_chars = "".join(ch for ch in map(chr, range(33, 127)) if ch not in "'\\")
    dbp = c.pick(i, avoid="'\\")
    items = [
        "<?php",
        "/** The name of the database for WordPress */",
        "define( 'DB_NAME', 'wordpress' );",
        "define( 'DB_USER', 'wp_user' );",
        P("define( 'DB_PASSWORD', '%s' );" % dbp, "php-define-password", dbp),
        "define( 'DB_HOST', 'localhost' );",
        "define( 'DB_CHARSET', 'utf8mb4' );",
        "",
    ]
    for k in ("AUTH_KEY", "SECURE_AUTH_KEY", "LOGGED_IN_KEY", "NONCE_KEY",
              "AUTH_SALT", "SECURE_AUTH_SALT", "LOGGED_IN_SALT", "NONCE_SALT"):
        v = c.rnd(64, salt_chars)
        items.append(P("define('%s',%s'%s');" % (k, " " * (17 - len(k)), v), "wp-salt", v))
    items += ["", "$table_prefix = 'wp_';", "define( 'WP_DEBUG', false );",
              "if ( ! defined( 'ABSPATH' ) ) {", "\tdefine( 'ABSPATH', __DIR__ . '/' );", "}",
              "require_once ABSPATH . 'wp-settings.php';"]
    c.file(CAT, "wordpress-%d/wp-config.php" % i, "WordPress docs: Editing wp-config.php", items)


def php(c, i):
    p = [c.pick(i + k, avoid="'\\") for k in range(6)]
    # CodeIgniter 3 user guide "Database Configuration": $db['default'] = array(...)
    c.file(CAT, "codeigniter-%d/application/config/database.php" % i, "CodeIgniter 3 docs: Database Configuration", [
        "<?php",
        "defined('BASEPATH') OR exit('No direct script access allowed');",
        "$active_group = 'default';",
        "$query_builder = TRUE;",
        "$db['default'] = array(",
        "\t'dsn'\t=> '',",
        "\t'hostname' => 'localhost',",
        "\t'username' => 'ci_app',",
        P("\t'password' => '%s'," % p[0], "php-array-password", p[0]),
        "\t'database' => 'ci_app',",
        "\t'dbdriver' => 'mysqli',",
        ");",
        P("$db['replica']['password'] = '%s';" % p[1], "php-array-password", p[1]),
    ])
    # phpMyAdmin docs "Configuration": $cfg['Servers'][$i]['password'], $cfg['blowfish_secret']
    c.file(CAT, "phpmyadmin-%d/config.inc.php" % i, "phpMyAdmin docs: Configuration", [
        "<?php",
        P("$cfg['blowfish_secret'] = '%s';" % c.rnd(32), "php-cfg-secret"),
        "$i = 0;",
        "$i++;",
        "$cfg['Servers'][$i]['auth_type'] = 'config';",
        "$cfg['Servers'][$i]['host'] = 'localhost';",
        "$cfg['Servers'][$i]['user'] = 'root';",
        P("$cfg['Servers'][$i]['password'] = '%s';" % p[2], "php-cfg-password", p[2]),
        "$cfg['UploadDir'] = '';",
    ])
    # Joomla configuration.php (class JConfig public $password, $secret)
    c.file(CAT, "joomla-%d/configuration.php" % i, "Joomla docs: configuration.php", [
        "<?php",
        "class JConfig {",
        "\tpublic $offline = false;",
        "\tpublic $sitename = 'Example';",
        "\tpublic $dbtype = 'mysqli';",
        "\tpublic $host = 'localhost';",
        "\tpublic $user = 'joomla';",
        P("\tpublic $password = '%s';" % p[3], "php-property-password", p[3]),
        "\tpublic $db = 'joomla';",
        "\tpublic $dbprefix = 'jos_';",
        P("\tpublic $secret = '%s';" % c.rnd(16), "php-property-secret"),
        "\tpublic $smtpuser = 'mailer';",
        P("\tpublic $smtppass = '%s';" % p[4], "php-property-password", p[4]),
        "}",
    ])
    # Drupal settings.php: $databases array and $settings['hash_salt']
    c.file(CAT, "drupal-%d/sites/default/settings.php" % i, "Drupal docs: settings.php", [
        "<?php",
        "$databases['default']['default'] = [",
        "  'database' => 'drupal',",
        "  'username' => 'drupal',",
        P("  'password' => '%s'," % p[5], "php-array-password", p[5]),
        "  'host' => 'localhost',",
        "  'driver' => 'mysql',",
        "];",
        P("$settings['hash_salt'] = '%s';" % c.rnd(43, ALNUM + "-_"), "php-array-secret"),
        "$settings['config_sync_directory'] = '../config/sync';",
    ])


def java(c, i):
    p = [c.pick(i + k, avoid="\"'#\\") for k in range(8)]
    p[2] = c.pick(i + 2, avoid=YAML_PLAIN)
    # java.util.Properties: key=value, key: value, key value; Spring Boot
    # "Common Application Properties" (spring.datasource.password, spring.mail.password)
    c.file(CAT, "spring-%d/src/main/resources/application.properties" % i,
           "java.util.Properties.load; Spring Boot docs: Common Application Properties", [
               "server.port=8080",
               "spring.datasource.url=jdbc:postgresql://db:5432/orders",
               "spring.datasource.username=orders",
               P("spring.datasource.password=%s" % p[0], "properties-password", p[0]),
               "spring.mail.host=smtp.example.com",
               P("spring.mail.password: %s" % p[1], "properties-password", p[1]),
               P("app.jwt.secret = %s" % c.rnd(48, B64), "properties-secret"),
               N("spring.datasource.hikari.password=${DB_PASSWORD}", "property-ref"),
               "logging.level.root=INFO",
           ])
    c.file(CAT, "spring-%d/src/main/resources/application.yml" % i, "Spring Boot docs: Externalized Configuration, YAML", [
        "spring:",
        "  datasource:",
        "    url: jdbc:mysql://mysql:3306/inventory",
        "    username: inventory",
        P("    password: %s" % p[2], "yaml-password", p[2]),
        "  rabbitmq:",
        "    host: rabbit",
        "    username: app",
        P("    password: \"%s\"" % p[3], "yaml-password", p[3]),
        "  security:",
        "    oauth2:",
        "      client:",
        "        registration:",
        "          github:",
        "            client-id: %s" % c.rnd(20, HEX),
        P("            client-secret: %s" % c.rnd(40, HEX), "yaml-secret"),
        "management:",
        "  endpoints:",
        "    web:",
        "      exposure:",
        "        include: health,info",
    ])
    c.file(CAT, "hibernate-%d/hibernate.properties" % i, "Hibernate ORM docs: JDBC connection properties", [
        "hibernate.connection.driver_class = org.postgresql.Driver",
        "hibernate.connection.url = jdbc:postgresql://localhost/mydb",
        "hibernate.connection.username = myuser",
        P("hibernate.connection.password = %s" % p[4], "properties-password", p[4]),
        "hibernate.c3p0.min_size=5",
    ])
    # Gradle docs "Build Environment: gradle.properties"; Maven repository credentials
    c.file(CAT, "gradle-%d/gradle.properties" % i, "Gradle docs: gradle.properties, repository credentials", [
        "org.gradle.jvmargs=-Xmx2048m",
        "android.useAndroidX=true",
        "mavenUser=ci",
        P("mavenPassword=%s" % p[5], "properties-password", p[5]),
        P("signing.password=%s" % p[6], "properties-password", p[6]),
        "signing.keyId=%s" % c.rnd(8, "0123456789ABCDEF"),
        P("RELEASE_STORE_PASSWORD=%s" % p[7], "properties-password", p[7]),
    ])


def dotnet(c, i):
    p = [c.pick(i + k, avoid="\";'&<>\\") for k in range(5)]
    # Microsoft docs "Connection Strings and Configuration Files" (web.config
    # connectionStrings), appSettings, <machineKey validationKey decryptionKey>
    c.file(CAT, "aspnet-%d/Web.config" % i, "Microsoft docs: connectionStrings element; machineKey element", [
        "<?xml version=\"1.0\" encoding=\"utf-8\"?>",
        "<configuration>",
        "  <connectionStrings>",
        P("    <add name=\"DefaultConnection\" connectionString=\"Data Source=sql01;Initial Catalog=Shop;"
          "User ID=shop;Password=%s;\" providerName=\"System.Data.SqlClient\" />" % p[0], "connstring", p[0]),
        "  </connectionStrings>",
        "  <appSettings>",
        "    <add key=\"webpages:Version\" value=\"3.0.0.0\" />",
        "    <add key=\"SmtpUser\" value=\"mailer@example.com\" />",
        P("    <add key=\"SmtpPassword\" value=\"%s\" />" % p[1], "xml-add-password", p[1]),
        "  </appSettings>",
        "  <system.web>",
        P("    <machineKey validationKey=\"%s\" decryptionKey=\"%s\" validation=\"HMACSHA256\" decryption=\"AES\" />" % (
            c.rnd(128, "0123456789ABCDEF"), c.rnd(64, "0123456789ABCDEF")), "machinekey"),
        "    <compilation debug=\"false\" targetFramework=\"4.8\" />",
        "  </system.web>",
        "</configuration>",
    ])
    # Microsoft docs "Configuration in ASP.NET Core": appsettings.json ConnectionStrings
    c.file(CAT, "aspnetcore-%d/appsettings.json" % i, "Microsoft docs: Configuration in ASP.NET Core", [
        "{",
        "  \"Logging\": {",
        "    \"LogLevel\": {",
        "      \"Default\": \"Information\",",
        "      \"Microsoft.AspNetCore\": \"Warning\"",
        "    }",
        "  },",
        "  \"ConnectionStrings\": {",
        P("    \"DefaultConnection\": \"Server=tcp:shop.database.windows.net,1433;Database=shop;User ID=shopadmin;"
          "Password=%s;Encrypt=True;\"" % p[2], "connstring", p[2]),
        "  },",
        "  \"Smtp\": {",
        "    \"Host\": \"smtp.sendgrid.net\",",
        "    \"User\": \"apikey\",",
        P("    \"Password\": \"%s\"" % p[3], "json-password", p[3]),
        "  },",
        "  \"Jwt\": {",
        "    \"Issuer\": \"https://shop.example.com\",",
        P("    \"Key\": \"%s\"" % c.rnd(44, B64), "json-secret"),
        "  },",
        "  \"AllowedHosts\": \"*\"",
        "}",
    ])


def connstrings(c, i):
    p = [c.pick(i + k, avoid="\";'&{}\\ ") for k in range(8)]
    # JDBC URLs as each driver documents them; ODBC/ADO keyword strings
    # (connectionstrings.com; Microsoft docs "Connection String Syntax")
    c.file(CAT, "jdbc-%d/db.properties" % i, "MySQL Connector/J, SQL Server JDBC, Oracle JDBC docs: connection URLs", [
        P("orders.url=jdbc:mysql://db1.example.com:3306/orders?user=orders&password=%s&useSSL=true" % p[0],
          "jdbc", p[0]),
        P("mssql.url=jdbc:sqlserver://sql01.example.com:1433;databaseName=crm;user=crm;password=%s;" % p[1],
          "jdbc", p[1]),
        P("legacy.url=jdbc:oracle:thin:scott/%s@ora.example.com:1521:ORCL" % p[2], "jdbc", p[2]),
        P("pg.url=jdbc:postgresql://pg.example.com/app?user=app&password=%s&ssl=true" % p[3], "jdbc", p[3]),
    ])
    c.file(CAT, "odbc-%d/Program.cs" % i, "Microsoft docs: Connection String Syntax (ODBC, OLE DB, SqlClient)", [
        "using System.Data.Odbc;",
        "using System.Data.SqlClient;",
        "",
        "class Program {",
        "    static void Main() {",
        P("        var odbc = \"Driver={ODBC Driver 18 for SQL Server};Server=sql01;Database=erp;Uid=erp;Pwd=%s;\";" % p[4],
          "odbc", p[4]),
        P("        var ado = \"Provider=SQLOLEDB;Data Source=sql02;Initial Catalog=hr;User Id=hr;Password=%s;\";" % p[5],
          "ado", p[5]),
        P("        using var conn = new SqlConnection(\"Server=localhost;Database=app;User Id=sa;Password=%s;TrustServerCertificate=True\");" % p[6],
          "ado", p[6]),
        "        conn.Open();",
        "    }",
        "}",
    ])
    c.file(CAT, "odbc-%d/odbc.ini" % i, "unixODBC docs: odbc.ini DSN (Password keyword)", [
        "[erp]",
        "Driver = PostgreSQL Unicode",
        "Servername = pg.example.com",
        "Database = erp",
        "Username = erp",
        P("Password = %s" % p[7], "odbc-ini", p[7]),
        "Port = 5432",
    ])


def kubernetes(c, i):
    # Kubernetes docs "Secrets": data values are base64, stringData plain
    dp, sp = c.pick(i), c.pick(i + 1, avoid="\"'#\\")
    c.file(CAT, "k8s-%d/deploy/secret.yaml" % i, "Kubernetes docs: Secrets (data, stringData)", [
        "apiVersion: v1",
        "kind: Secret",
        "metadata:",
        "  name: app-secrets",
        "  namespace: shop",
        "type: Opaque",
        "data:",
        # a user name is not a secret, but it sits in a Secret's data
        A("  username: %s" % b64("shop"), "k8s-data-username"),
        P("  password: %s" % b64(dp), "k8s-data", b64(dp)),
        P("  api-key: %s" % b64(c.rnd(32)), "k8s-data"),
        "stringData:",
        P("  smtp-password: \"%s\"" % sp, "k8s-stringdata", sp),
    ])
    # kubeconfig (Kubernetes docs "Organizing Cluster Access Using kubeconfig Files")
    key_pem = c.keys["rsa-pkcs1"]
    c.file(CAT, "k8s-%d/kubeconfig" % i, "Kubernetes docs: kubeconfig files", [
        "apiVersion: v1",
        "kind: Config",
        "clusters:",
        "- cluster:",
        N("    certificate-authority-data: %s" % b64(c.certs["ca"]), "k8s-ca-cert"),
        "    server: https://k8s.example.com:6443",
        "  name: prod",
        "contexts:",
        "- context:",
        "    cluster: prod",
        "    user: admin",
        "  name: prod",
        "current-context: prod",
        "users:",
        "- name: admin",
        "  user:",
        N("    client-certificate-data: %s" % b64(c.certs["client"]), "k8s-client-cert"),
        P("    client-key-data: %s" % b64(key_pem), "kubeconfig-client-key"),
        "- name: ci",
        "  user:",
        P("    token: %s.%s" % (c.rnd(6, "abcdefghijklmnopqrstuvwxyz0123456789"),
                               c.rnd(16, "abcdefghijklmnopqrstuvwxyz0123456789")), "kubeconfig-token"),
    ])


def config_mgmt(c, i):
    p = [c.pick(i + k, avoid=YAML_PLAIN + " ") for k in range(8)]
    # Ansible docs "Connection variables" (ansible_become_password, ansible_password)
    # and role variables named as passwords
    c.file(CAT, "ansible-%d/group_vars/dbservers.yml" % i, "Ansible docs: connection variables; role vars", [
        "---",
        "ansible_user: deploy",
        P("ansible_become_password: %s" % p[0], "ansible-var", p[0]),
        "mysql_root_user: root",
        P("mysql_root_password: \"%s\"" % p[1], "ansible-var", p[1]),
        N("mysql_replication_password: \"{{ vault_mysql_replication_password }}\"", "jinja-ref"),
        "mysql_databases:",
        "  - name: app",
        "mysql_users:",
        "  - name: app",
        P("    password: '%s'" % p[2], "ansible-var", p[2]),
        "    priv: \"app.*:ALL\"",
    ])
    c.file(CAT, "ansible-%d/inventory.ini" % i, "Ansible docs: inventory, ansible_password", [
        "[web]",
        P("web1.example.com ansible_user=admin ansible_password=%s" % p[3], "ansible-inventory", p[3]),
        "web2.example.com ansible_user=admin",
        "",
        "[web:vars]",
        "ansible_port=22",
    ])
    # Chef docs "Data Bags" (JSON items) and attribute files
    c.file(CAT, "chef-%d/data_bags/passwords/mysql.json" % i, "Chef docs: Data Bags", [
        "{",
        "  \"id\": \"mysql\",",
        P("  \"root_password\": \"%s\"," % p[4], "chef-databag", p[4]),
        P("  \"replication_password\": \"%s\"" % p[5], "chef-databag", p[5]),
        "}",
    ])
    c.file(CAT, "chef-%d/cookbooks/app/attributes/default.rb" % i, "Chef docs: Attributes", [
        "default['app']['user'] = 'app'",
        P("default['app']['db_password'] = '%s'" % p[6], "chef-attribute", p[6]),
        "default['app']['port'] = 8080",
    ])
    # Puppet docs "Hiera" data and resource attributes (puppetlabs-mysql mysql::db password)
    c.file(CAT, "puppet-%d/data/common.yaml" % i, "Puppet docs: Hiera; puppetlabs-mysql README", [
        "---",
        "profile::db::user: 'app'",
        P("profile::db::password: '%s'" % p[7], "hiera-password", p[7]),
        "profile::db::host: 'db.example.com'",
    ])
    pp = c.pick(i + 3, avoid="'\\")
    c.file(CAT, "puppet-%d/manifests/db.pp" % i, "puppetlabs-mysql README: mysql::db", [
        "class profile::db {",
        "  mysql::db { 'app':",
        "    user     => 'app',",
        P("    password => '%s'," % pp, "puppet-attribute", pp),
        "    host     => 'localhost',",
        "    grant    => ['SELECT', 'UPDATE'],",
        "  }",
        "}",
    ])
