"""Category credential-files, continued: server and tool configuration files
whose documentation names a password field (Redis, RabbitMQ, Grafana,
Tomcat, Postfix, OpenVPN, Subversion, WinSCP, mRemoteNG, Remmina, Windows
unattend, s3cmd, gh/hub, Terraform CLI). Two variants each, as in
detect_corpus_creds."""
from detect_corpus_lib import P, N, b64, HEX, B64, ALNUM, xml_esc

CAT = "credential-files"


def build(c):
    for i in (0, 1):
        servers(c, i)
        clients(c, i)


def servers(c, i):
    p = [c.pick(i + k, avoid=" \t\"'\\#;<>&") for k in range(10)]
    # redis.conf (Redis docs: the self-documented redis.conf): requirepass, masterauth
    c.file(CAT, "redis-%d/redis.conf" % i, "redis.conf (self-documented): requirepass, masterauth", [
        "bind 127.0.0.1 -::1",
        "port 6379",
        P("requirepass %s" % p[0], "redis-conf", p[0]),
        P("masterauth %s" % p[1], "redis-conf", p[1]),
        "maxmemory 256mb",
        N("# requirepass foobared", "commented-default"),
    ])
    # RabbitMQ docs "Configuration": rabbitmq.conf default_user / default_pass
    c.file(CAT, "rabbitmq-%d/rabbitmq.conf" % i, "RabbitMQ docs: Configuration (default_pass)", [
        "listeners.tcp.default = 5672",
        "default_user = admin",
        P("default_pass = %s" % p[2], "rabbitmq-conf", p[2]),
        "management.tcp.port = 15672",
    ])
    # Grafana docs "Configure Grafana": [security] admin_password, [database] password
    c.file(CAT, "grafana-%d/grafana.ini" % i, "Grafana docs: Configure Grafana (admin_password, database password)", [
        "[server]",
        "http_port = 3000",
        "[database]",
        "type = postgres",
        "host = db:5432",
        "user = grafana",
        P("password = %s" % p[3], "grafana-ini", p[3]),
        "[security]",
        "admin_user = admin",
        P("admin_password = %s" % p[4], "grafana-ini", p[4]),
        P("secret_key = %s" % c.rnd(16), "grafana-ini"),
    ])
    # Apache Tomcat docs "Realm Configuration" (tomcat-users.xml) and SSL Connector keystorePass
    c.file(CAT, "tomcat-%d/conf/tomcat-users.xml" % i, "Apache Tomcat docs: Manager App, tomcat-users.xml", [
        "<?xml version=\"1.0\" encoding=\"UTF-8\"?>",
        "<tomcat-users xmlns=\"http://tomcat.apache.org/xml\" version=\"1.0\">",
        "  <role rolename=\"manager-gui\"/>",
        P("  <user username=\"admin\" password=\"%s\" roles=\"manager-gui,admin-gui\"/>" % p[5], "tomcat-users", p[5]),
        N("  <!-- <user username=\"admin\" password=\"<must-be-changed>\" roles=\"manager-gui\"/> -->", "commented-default"),
        "</tomcat-users>",
    ])
    c.file(CAT, "tomcat-%d/conf/server.xml" % i, "Apache Tomcat docs: SSL/TLS Configuration (keystorePass)", [
        "<Server port=\"8005\" shutdown=\"SHUTDOWN\">",
        "  <Service name=\"Catalina\">",
        P("    <Connector port=\"8443\" protocol=\"HTTP/1.1\" SSLEnabled=\"true\" keystoreFile=\"conf/keystore.jks\" "
          "keystorePass=\"%s\" />" % p[6], "tomcat-keystorepass", p[6]),
        "  </Service>",
        "</Server>",
    ])
    # Postfix SASL_README: /etc/postfix/sasl_passwd  [host]:port user:password
    c.file(CAT, "postfix-%d/etc/postfix/sasl_passwd" % i, "Postfix SASL_README: sasl_passwd", [
        P("[smtp.gmail.com]:587 alerts@example.com:%s" % p[7], "postfix-sasl", p[7]),
    ], 0o600)
    # OpenVPN manual --auth-user-pass FILE: user name on line 1, password on line 2
    c.file(CAT, "openvpn-%d/auth.txt" % i, "openvpn(8) --auth-user-pass", [
        "vpnuser%d" % i,
        P(p[8], "openvpn-auth", p[8]),
    ], 0o600)
    c.file(CAT, "openvpn-%d/client.ovpn" % i, "openvpn(8): config file", [
        "client",
        "dev tun",
        "remote vpn.example.com 1194",
        "auth-user-pass auth.txt",
        N("askpass", "setting"),
    ])
    # PgBouncer docs "auth_file": "username" "password"
    c.file(CAT, "pgbouncer-%d/userlist.txt" % i, "PgBouncer docs: authentication file format", [
        P("\"app\" \"%s\"" % p[9], "pgbouncer-userlist", p[9]),
        P("\"stats\" \"SCRAM-SHA-256$4096:%s$%s:%s\"" % (b64(c.rnd(16)), b64(c.rnd(32)), b64(c.rnd(32))),
          "pgbouncer-userlist"),
    ])


def clients(c, i):
    p = [c.pick(i + k, avoid=" \t\"'\\#;<>&") for k in range(6)]
    # Subversion book "Client Credentials Caching": auth/svn.simple/<hash>, K/V records
    c.file(CAT, "svn-%d/.subversion/auth/svn.simple/%s" % (i, c.rnd(32, HEX)),
           "Version Control with Subversion: Client Credentials Caching", [
               "K 8", "passtype", "V 6", "simple",
               "K 8", "password", "V %d" % len(p[0]), P(p[0], "svn-simple", p[0]),
               "K 15", "svn:realmstring", "V 45", "<https://svn.example.com:443> Subversion Repo",
               "K 8", "username", "V 6", "jdoe%02d" % i, "END",
           ])
    # WinSCP docs "Configuration": WinSCP.ini [Sessions\..] Password= (obfuscated, reversible)
    c.file(CAT, "winscp-%d/WinSCP.ini" % i, "WinSCP docs: Configuration storage (INI), stored sessions", [
        "[Sessions\\deploy@web.example.com]",
        "HostName=web.example.com",
        "UserName=deploy",
        P("Password=%s" % c.rnd(2 * (len(p[1]) + 20), "0123456789ABCDEF"), "winscp-password"),
        "FSProtocol=2",
    ])
    # mRemoteNG confCons.xml: Password attribute (encrypted with a default key)
    c.file(CAT, "mremoteng-%d/confCons.xml" % i, "mRemoteNG docs: connection file (confCons.xml)", [
        "<?xml version=\"1.0\" encoding=\"utf-8\"?>",
        "<mrng:Connections xmlns:mrng=\"http://mremoteng.org\" Name=\"Connections\" ConfVersion=\"2.6\">",
        P("    <Node Name=\"dc01\" Type=\"Connection\" Username=\"Administrator\" Domain=\"CORP\" Password=\"%s\" "
          "Hostname=\"10.0.0.10\" Protocol=\"RDP\" Port=\"3389\" />" % b64(c.rnd(48)), "mremoteng-password"),
        "</mrng:Connections>",
    ])
    # Remmina profile (.remmina, INI): password= (encrypted with the local secret)
    c.file(CAT, "remmina-%d/group_rdp_dc01.remmina" % i, "Remmina: connection profile files", [
        "[remmina]",
        "name=dc01",
        "protocol=RDP",
        "server=10.0.0.10",
        "username=Administrator",
        P("password=%s" % b64(c.rnd(24)), "remmina-password"),
    ])
    # Windows unattended setup: <AdministratorPassword><Value>..</Value><PlainText>true
    c.file(CAT, "unattend-%d/autounattend.xml" % i, "Microsoft docs: Unattended Windows Setup reference (UserAccounts)", [
        "<unattend xmlns=\"urn:schemas-microsoft-com:unattend\">",
        "  <settings pass=\"oobeSystem\">",
        "    <component name=\"Microsoft-Windows-Shell-Setup\">",
        "      <UserAccounts>",
        "        <AdministratorPassword>",
        P("          <Value>%s</Value>" % xml_esc(p[2]), "unattend-password", p[2]),
        "          <PlainText>true</PlainText>",
        "        </AdministratorPassword>",
        "      </UserAccounts>",
        "    </component>",
        "  </settings>",
        "</unattend>",
    ])
    # s3cmd --configure writes ~/.s3cfg: access_key / secret_key
    c.file(CAT, "s3cmd-%d/.s3cfg" % i, "s3cmd docs: configuration file", [
        "[default]",
        P("access_key = %s" % ("AKIA" + c.rnd(16, "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567")), "s3cfg-key-id"),
        "host_base = s3.amazonaws.com",
        P("secret_key = %s" % c.rnd(40, B64), "s3cfg-secret"),
        "use_https = True",
    ])
    # GitHub CLI ~/.config/gh/hosts.yml; hub ~/.config/hub
    c.file(CAT, "gh-%d/.config/gh/hosts.yml" % i, "GitHub CLI manual: gh auth login (hosts.yml)", [
        "github.com:",
        "    user: jdoe",
        P("    oauth_token: %s" % c.b62_checksummed("gho_"), "gh-hosts"),
        "    git_protocol: https",
    ])
    # Terraform CLI config: credentials "app.terraform.io" { token = "<14>.atlasv1.<67>" }
    c.file(CAT, "terraformrc-%d/.terraformrc" % i, "Terraform docs: CLI Configuration File (credentials blocks)", [
        "credentials \"app.terraform.io\" {",
        P("  token = \"%s.atlasv1.%s\"" % (c.rnd(14), c.rnd(67)), "terraformrc-token"),
        "}",
    ])
    # Docker Compose .env for a CMS image (WordPress image docs: WORDPRESS_DB_PASSWORD)
    c.file(CAT, "compose-%d/wordpress.env" % i, "Docker Official Images: wordpress (WORDPRESS_DB_PASSWORD)", [
        "WORDPRESS_DB_HOST=db",
        "WORDPRESS_DB_USER=wordpress",
        P("WORDPRESS_DB_PASSWORD=%s" % p[3], "image-env", p[3]),
        P("MYSQL_ROOT_PASSWORD=%s" % p[4], "image-env", p[4]),
    ])
