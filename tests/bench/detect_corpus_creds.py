"""Category credential-files: files whose format names a field as a password
(issue 13 item 1). Each case is written twice: variant 0 with a weak password
(a word and digits), variant 1 with a random one."""
from detect_corpus_lib import P, N, A, b64, urlq, xml_esc, json_str, HEX, B64, CRYPT64

CAT = "credential-files"


def build(c):
    for i in (0, 1):
        netrc(c, i)
        pgpass(c, i)
        git_credentials(c, i)
        urls(c, i)
        htpasswd_shadow(c, i)
        npmrc(c, i)
        docker(c, i)
        filezilla(c, i)
        ide_db(c, i)
        editor_sftp(c, i)
        mail_irc_voice(c, i)
        misc_tools(c, i)


def netrc(c, i):
    pw = c.pick(i, avoid=" \t\"'\\")
    # netrc(5) / GNU inetutils ftp "The .netrc file": tokens machine, login,
    # password, account, macdef, default; all on one line or several.
    c.file(CAT, "netrc-oneline-%d/.netrc" % i, "netrc(5)", [
        P("machine api.heroku.com login ops@example.org password %s" % pw, "netrc", pw),
        N("default login anonymous password guest@example.org", "netrc-anonymous"),
    ], 0o600)
    pw2, pw3 = c.pick(i + 1, avoid=" \t\"'\\"), c.pick(i, avoid=" \t\"'\\")
    c.file(CAT, "netrc-multiline-%d/.netrc" % i, "netrc(5)", [
        "machine ftp.example.net",
        "  login builder",
        P("  password %s" % pw2, "netrc", pw2),
        "",
        "machine git.internal.example.com",
        "\tlogin deploy-bot",
        P("\tpassword %s" % pw3, "netrc", pw3),
        # netrc(5): "account string: supply an additional account password"
        P("\taccount ci-%s" % c.rnd(6), "netrc-account"),
    ], 0o600)
    pw4 = c.pick(i, avoid=" \t\"'\\")
    # curl(1) --netrc-file; Windows spells it _netrc
    c.file(CAT, "netrc-windows-%d/_netrc" % i, "curl(1) --netrc; netrc(5)", [
        P("machine urs.earthdata.nasa.gov login jdoe%d password %s" % (i, pw4), "netrc", pw4),
    ])


def pgpass(c, i):
    # PostgreSQL docs, "The Password File": hostname:port:database:username:password,
    # `*` wildcards, `\:` and `\\` escapes, # comments.
    a, b = c.pick(i, avoid=":\\"), c.pick(i + 1, avoid=":\\")
    esc = c.strong(avoid="\\") + ":x"
    c.file(CAT, "pgpass-%d/.pgpass" % i, "PostgreSQL docs: The Password File", [
        "# hostname:port:database:username:password",
        P("db.internal.example.com:5432:billing:billing_app:%s" % a, "pgpass", a),
        P("*:*:*:postgres:%s" % b, "pgpass", b),
        P("localhost:5433:reports:analyst:%s" % esc.replace(":", "\\:"), "pgpass", esc),
    ], 0o600)


def git_credentials(c, i):
    # git-credential-store(1): one URL per line, https://user:pass@host
    pw = c.pick(i, avoid="")
    tok = c.b62_checksummed("ghp_")
    c.file(CAT, "git-credentials-%d/.git-credentials" % i, "git-credential-store(1)", [
        P("https://jdoe:%s@github.com" % urlq(pw), "git-credentials", pw),
        P("https://x-access-token:%s@github.com" % tok, "git-credentials", tok),
        P("https://oauth2:%s@gitlab.example.com" % c.rnd(20, B64.replace("+", "").replace("/", "")),
          "git-credentials"),
        # user names that are e-mail addresses: percent-encoded or not
        P("https://jane.doe%%40example.com:%s@bitbucket.org" % urlq(c.pick(i + 1)), "git-credentials"),
    ], 0o600)


def urls(c, i):
    # RFC 3986 userinfo; the URL forms each client documents (libpq
    # connection URIs, MongoDB connection string, redis-py from_url, AMQP URI
    # spec, SQLAlchemy engine URLs, pip --index-url).
    ps = [c.pick(i + k) for k in range(9)]
    c.file(CAT, "urls-%d/.env" % i, "RFC 3986 3.2.1 userinfo; libpq Connection URIs", [
        "APP_ENV=production",
        P("DATABASE_URL=postgres://app:%s@db.example.com:5432/app" % urlq(ps[0]), "url-password", ps[0]),
        P("MONGO_URI=mongodb+srv://admin:%s@cluster0.ab12c.mongodb.net/prod?retryWrites=true" % urlq(ps[1]),
          "url-password", ps[1]),
        P("REDIS_URL=redis://:%s@cache.example.com:6379/0" % urlq(ps[2]), "url-password", ps[2]),
        P("CELERY_BROKER_URL=amqp://worker:%s@rabbitmq:5672//" % urlq(ps[3]), "url-password", ps[3]),
        "LOG_LEVEL=info",
    ])
    c.file(CAT, "urls-%d/settings.py" % i, "SQLAlchemy docs: Engine Configuration (database URLs)", [
        "import os",
        "",
        P("SQLALCHEMY_DATABASE_URI = \"mysql+pymysql://root:%s@localhost/shop\"" % urlq(ps[4]), "url-password", ps[4]),
        N("SQLALCHEMY_TRACK_MODIFICATIONS = False", "bool"),
    ])
    # an e-mail user name with a raw '@' (seen in hand-written configs; RFC 3986 wants %40)
    c.file(CAT, "urls-%d/backup.sh" % i, "RFC 3986 userinfo; curl(1) URL syntax", [
        "#!/bin/sh",
        "set -e",
        P("curl -T dump.sql.gz \"ftp://backup@example.com:%s@ftp.example.com/dumps/\"" % urlq(ps[5]),
          "url-password", ps[5]),
        P("lftp -e 'mirror -R dist /www' sftp://deploy:%s@web1.example.com" % urlq(ps[6]), "url-password", ps[6]),
    ])
    c.file(CAT, "urls-%d/pip.conf" % i, "pip docs: Configuration, index-url", [
        "[global]",
        P("index-url = https://ci-reader:%s@nexus.example.com/repository/pypi/simple" % urlq(ps[7]),
          "url-password", ps[7]),
        "timeout = 60",
    ])
    c.file(CAT, "urls-%d/mirror.gitconfig" % i, "git-config(1) remote.<name>.url; git-credential-store(1)", [
        "[remote \"origin\"]",
        P("\turl = https://jenkins:%s@git.example.com/scm/app/app.git" % urlq(ps[8]), "url-password", ps[8]),
        "\tfetch = +refs/heads/*:refs/remotes/origin/*",
    ])


def htpasswd_shadow(c, i):
    # Apache docs "htpasswd" / "Password Formats": bcrypt, $apr1$ MD5, {SHA}, crypt()
    u = ("admin", "editor", "jane", "ci")
    w = [c.pick(i + k) for k in range(4)]
    sha = "{SHA}" + b64(__import__("hashlib").sha1(w[2].encode()).digest())
    c.file(CAT, "htpasswd-%d/.htpasswd" % i, "Apache httpd docs: htpasswd, Password Formats", [
        P("%s:%s" % (u[0], c.crypt("-apr1", w[0])), "htpasswd-apr1"),
        P("%s:%s" % (u[1], c.bcrypt_shaped(variant="2y", cost=5)), "htpasswd-bcrypt"),
        P("%s:%s" % (u[2], sha), "htpasswd-sha1"),
        P("%s:%s" % (u[3], c.rnd(13, CRYPT64)), "htpasswd-crypt"),
    ])
    # shadow(5): name:password:lastchg:min:max:warn:inactive:expire:
    c.file(CAT, "shadow-%d/etc/shadow" % i, "shadow(5); crypt(5)", [
        P("root:%s:19675:0:99999:7:::" % c.crypt("-6", c.pick(i)), "shadow-sha512crypt"),
        N("daemon:*:19675:0:99999:7:::", "shadow-locked"),
        N("bin:*:19675:0:99999:7:::", "shadow-locked"),
        N("sshd:!:19675::::::", "shadow-locked"),
        N("nobody:!*:19675:0:99999:7:::", "shadow-locked"),
        P("deploy:$y$j9T$%s$%s:19700:0:99999:7:::" % (c.rnd(22, CRYPT64), c.rnd(43, CRYPT64)), "shadow-yescrypt"),
        P("backup:%s:19701:0:99999:7:::" % c.crypt("-5", c.pick(i + 1)), "shadow-sha256crypt"),
    ], 0o640)
    # ProFTPD "AuthUserFile" howto / ftpasswd(1): passwd(5)-style with the hash in field 2
    c.file(CAT, "proftpd-%d/ftpd.passwd" % i, "ProFTPD howto: AuthUserFiles; ftpasswd(1)", [
        P("webftp:%s:2001:2001::/srv/ftp/web:/bin/false" % c.crypt("-1", c.pick(i)), "proftpd-md5crypt"),
        P("uploads:%s:2002:2002:Upload user:/srv/ftp/in:/bin/false" % c.crypt("-6", c.pick(i + 1)),
          "proftpd-sha512crypt"),
    ])
    c.file(CAT, "proftpd-%d/proftpdpasswd" % i, "ProFTPD howto: AuthUserFiles", [
        P("anonftp:%s:1005:1005::/home/ftp:/sbin/nologin" % c.crypt("-1", c.pick(i)), "proftpd-md5crypt"),
    ])


def npmrc(c, i):
    # npm docs "npmrc" / "config": //host/:_authToken, _auth (base64 user:pass),
    # //host/:_password (base64 of the password), username, email.
    tok = c.b62_checksummed("npm_")
    auth = b64("builder:%s" % c.pick(i))
    pw = b64(c.pick(i + 1))
    c.file(CAT, "npmrc-%d/.npmrc" % i, "npm docs: npmrc, config (_auth, _authToken, _password)", [
        "registry=https://registry.npmjs.org/",
        P("//registry.npmjs.org/:_authToken=%s" % tok, "npmrc-authtoken", tok),
        "@corp:registry=https://nexus.example.com/repository/npm-private/",
        "//nexus.example.com/repository/npm-private/:username=builder",
        P("//nexus.example.com/repository/npm-private/:_password=%s" % pw, "npmrc-password", pw),
        "//nexus.example.com/repository/npm-private/:email=builder@example.com",
        P("_auth=%s" % auth, "npmrc-auth", auth),
        P("//npm.pkg.github.com/:_authToken=%s" % c.b62_checksummed("ghp_"), "npmrc-authtoken"),
        "always-auth=true",
    ])
    c.file(CAT, "npmrc-%d/legacy-uuid/.npmrc" % i, "npm docs: npmrc (legacy UUID tokens)", [
        P("//registry.npmjs.org/:_authToken=%s-%s-%s-%s-%s" % (
            c.rnd(8, HEX), c.rnd(4, HEX), c.rnd(4, HEX), c.rnd(4, HEX), c.rnd(12, HEX)), "npmrc-authtoken"),
    ])


def docker(c, i):
    # docker docs "docker login" credential store: config.json auths.<registry>.auth
    # = base64(user:password); legacy ~/.dockercfg has the registry at top level.
    a1 = b64("ci-user:%s" % c.pick(i))
    a2 = b64("_json_key:%s" % c.strong(40))
    c.file(CAT, "docker-%d/.docker/config.json" % i, "docker docs: docker login, credentials store", [
        "{",
        "\t\"auths\": {",
        "\t\t\"https://index.docker.io/v1/\": {",
        P("\t\t\t\"auth\": \"%s\"" % a1, "docker-auth", a1),
        "\t\t},",
        "\t\t\"gcr.io\": {",
        P("\t\t\t\"auth\": \"%s\"" % a2, "docker-auth", a2),
        "\t\t}",
        "\t},",
        N("\t\"credsStore\": \"desktop\",", "docker-credstore"),
        "\t\"currentContext\": \"default\"",
        "}",
    ])
    a3 = b64("deploy:%s" % c.pick(i + 1))
    c.file(CAT, "docker-%d/.dockercfg" % i, "docker docs: legacy .dockercfg", [
        "{\"registry.example.com\": {",
        P("  \"auth\": \"%s\"," % a3, "docker-auth", a3),
        "  \"email\": \"deploy@example.com\"}}",
    ])


def filezilla(c, i):
    # FileZilla wiki "Site Manager" / sitemanager.xml, recentservers.xml:
    # <Pass encoding="base64"> since 3.26, plain <Pass> before.
    p1, p2, p3 = c.pick(i, avoid="<>&"), c.pick(i + 1), c.pick(i, avoid="<>&")
    c.file(CAT, "filezilla-%d/sitemanager.xml" % i, "FileZilla wiki: sitemanager.xml", [
        "<?xml version=\"1.0\" encoding=\"UTF-8\" standalone=\"yes\" ?>",
        "<FileZilla3 version=\"3.66.1\" platform=\"windows\">",
        "    <Servers>",
        "        <Server>",
        "            <Host>ftp.example.com</Host>",
        "            <Port>21</Port>",
        "            <Protocol>0</Protocol>",
        "            <Type>0</Type>",
        "            <User>webmaster</User>",
        P("            <Pass encoding=\"base64\">%s</Pass>" % b64(p1), "filezilla-base64", b64(p1)),
        "            <Logontype>1</Logontype>",
        "            <Name>production</Name>",
        "        </Server>",
        "        <Server>",
        "            <Host>legacy.example.com</Host>",
        "            <User>old</User>",
        P("            <Pass>%s</Pass>" % xml_esc(p3), "filezilla-plain", p3),
        "        </Server>",
        "    </Servers>",
        "</FileZilla3>",
    ])
    c.file(CAT, "filezilla-%d/recentservers.xml" % i, "FileZilla wiki: recentservers.xml", [
        "<?xml version=\"1.0\" encoding=\"UTF-8\" standalone=\"yes\" ?>",
        "<FileZilla3>",
        "    <RecentServers>",
        "        <Server>",
        "            <Host>203.0.113.10</Host><Port>22</Port><Protocol>1</Protocol>",
        "            <User>root</User>",
        P("            <Pass encoding=\"base64\">%s</Pass>" % b64(p2), "filezilla-base64"),
        "        </Server>",
        "    </RecentServers>",
        "</FileZilla3>",
    ])


def ide_db(c, i):
    p = [c.pick(i + k, avoid="\"\\<>&") for k in range(6)]
    # DBeaver docs "Admin Manage Connections" (data-sources.json)
    c.file(CAT, "dbeaver-%d/.dbeaver/data-sources.json" % i, "DBeaver docs: data-sources.json", [
        "{",
        "\t\"folders\": {},",
        "\t\"connections\": {",
        "\t\t\"postgres-jdbc-18c2\": {",
        "\t\t\t\"provider\": \"postgresql\",",
        "\t\t\t\"driver\": \"postgres-jdbc\",",
        "\t\t\t\"name\": \"prod\",",
        "\t\t\t\"save-password\": true,",
        "\t\t\t\"configuration\": {",
        "\t\t\t\t\"host\": \"db.example.com\",",
        "\t\t\t\t\"port\": \"5432\",",
        "\t\t\t\t\"database\": \"app\",",
        "\t\t\t\t\"user\": \"app_ro\",",
        P("\t\t\t\t\"password\": \"%s\"," % p[0], "dbeaver", p[0]),
        "\t\t\t\t\"auth-model\": \"native\"",
        "\t\t\t}",
        "\t\t}",
        "\t}",
        "}",
    ])
    # JetBrains DataGrip docs "Data sources" (.idea/dataSources.xml, dataSources.local.xml)
    c.file(CAT, "datagrip-%d/.idea/dataSources.xml" % i, "JetBrains docs: DataGrip data sources", [
        "<?xml version=\"1.0\" encoding=\"UTF-8\"?>",
        "<project version=\"4\">",
        "  <component name=\"DataSourceManagerImpl\" format=\"xml\" multifile-model=\"true\">",
        "    <data-source source=\"LOCAL\" name=\"app@db\" uuid=\"0b9c1c4e-2f0e-4c3a-9d59-1f7a7d2b6a11\">",
        "      <driver-ref>postgresql</driver-ref>",
        "      <jdbc-driver>org.postgresql.Driver</jdbc-driver>",
        P("      <jdbc-url>jdbc:postgresql://db.example.com:5432/app?user=app&amp;password=%s</jdbc-url>" % p[1],
          "datagrip-jdbc", p[1]),
        "    </data-source>",
        "  </component>",
        "</project>",
    ])
    # Robo 3T / robomongo: ~/.3T/robo-3t/<ver>/robo3t.json, older robomongo.json
    c.file(CAT, "robomongo-%d/robomongo.json" % i, "Robo 3T config (robomongo.json)", [
        "{",
        "    \"connections\" : [",
        "        {",
        "            \"connectionName\" : \"prod replica\",",
        "            \"serverHost\" : \"mongo1.example.com\",",
        "            \"serverPort\" : 27017,",
        "            \"credentials\" : [",
        "                {",
        "                    \"databaseName\" : \"admin\",",
        "                    \"userName\" : \"root\",",
        P("                    \"userPassword\" : \"%s\"," % p[2], "robomongo", p[2]),
        "                    \"enabled\" : true",
        "                }",
        "            ],",
        "            \"ssh\" : {",
        "                \"host\" : \"bastion.example.com\",",
        "                \"userName\" : \"ops\",",
        P("                \"userPassword\" : \"%s\"," % p[3], "robomongo", p[3]),
        "                \"enabled\" : true",
        "            }",
        "        }",
        "    ]",
        "}",
    ])
    # JetBrains IDEs "Deployment" settings: .idea/WebServers.xml (fileTransfer password obfuscated)
    c.file(CAT, "jetbrains-%d/.idea/WebServers.xml" % i, "JetBrains docs: Deployment configuration", [
        "<?xml version=\"1.0\" encoding=\"UTF-8\"?>",
        "<project version=\"4\">",
        "  <component name=\"WebServers\">",
        "    <option name=\"servers\">",
        "      <webServer id=\"6d4d9d35-5c1b-4e5e-9b1e-0f3f4a4f4c11\" name=\"staging\" url=\"http://staging.example.com\">",
        P("        <fileTransfer host=\"staging.example.com\" port=\"21\" rootFolder=\"/var/www\" accessType=\"FTP\" "
          "login=\"deploy\" password=\"%s\">" % c.rnd(2 * len(p[4]), "0123456789abcdef"), "webservers-xml"),
        "          <advancedOptions>",
        "            <advancedOptions dataProtectionLevel=\"Private\" passiveMode=\"true\" shareSSLContext=\"true\" />",
        "          </advancedOptions>",
        "        </fileTransfer>",
        "      </webServer>",
        "    </option>",
        "  </component>",
        "</project>",
    ])


def editor_sftp(c, i):
    p = [c.pick(i + k, avoid="\"\\") for k in range(6)]
    # Sublime SFTP (wbond) sftp-config.json: JSON with // comments
    c.file(CAT, "sublime-%d/sftp-config.json" % i, "Sublime SFTP docs: sftp-config.json", [
        "{",
        "    // The tab key will cycle through the settings when first created",
        "    \"type\": \"sftp\",",
        "    \"save_before_upload\": true,",
        "    \"upload_on_save\": false,",
        "    \"host\": \"example.com\",",
        "    \"user\": \"deploy\",",
        P("    \"password\": \"%s\"," % p[0], "sftp-config", p[0]),
        "    \"port\": \"22\",",
        "    \"remote_path\": \"/var/www/site/\",",
        "    \"ignore_regexes\": [\"\\\\.sublime-(project|workspace)\", \"sftp-config(-alt\\\\d?)?\\\\.json\"]",
        "}",
    ])
    # Atom remote-ftp .ftpconfig (keys: host, user, pass)
    c.file(CAT, "atom-%d/.ftpconfig" % i, "Atom remote-ftp README: .ftpconfig", [
        "{",
        "    \"protocol\": \"ftp\",",
        "    \"host\": \"ftp.example.com\",",
        "    \"port\": 21,",
        "    \"user\": \"site\",",
        P("    \"pass\": \"%s\"," % p[1], "ftpconfig", p[1]),
        "    \"promptForPass\": false,",
        "    \"remote\": \"/public_html\",",
        "    \"secure\": false",
        "}",
    ])
    # Atom remote-sync .remote-sync.json
    c.file(CAT, "atom-%d/.remote-sync.json" % i, "Atom remote-sync README: .remote-sync.json", [
        "{",
        "  \"transport\": \"scp\",",
        "  \"hostname\": \"10.0.0.12\",",
        "  \"port\": 22,",
        "  \"username\": \"www\",",
        P("  \"password\": \"%s\"," % p[2], "remote-sync", p[2]),
        "  \"target\": \"/srv/app\",",
        "  \"watch\": [\"/src\"],",
        "  \"uploadOnSave\": true",
        "}",
    ])
    # Atom sftp-deployment deployment-config.json
    c.file(CAT, "atom-%d/deployment-config.json" % i, "Atom sftp-deployment README", [
        "{",
        "  \"type\": \"sftp\",",
        "  \"host\": \"web.example.com\",",
        "  \"username\": \"deployer\",",
        P("  \"password\": \"%s\"," % p[3], "deployment-config", p[3]),
        "  \"port\": \"22\",",
        "  \"remotePath\": \"/home/deployer/app\"",
        "}",
    ])
    # VS Code SFTP extension (liximomo/Natizyskunk) .vscode/sftp.json
    c.file(CAT, "vscode-%d/.vscode/sftp.json" % i, "vscode-sftp docs: sftp.json", [
        "{",
        "    \"name\": \"My Server\",",
        "    \"host\": \"198.51.100.7\",",
        "    \"protocol\": \"sftp\",",
        "    \"port\": 22,",
        "    \"username\": \"ubuntu\",",
        P("    \"password\": \"%s\"," % p[4], "vscode-sftp", p[4]),
        P("    \"passphrase\": \"%s\"," % p[5], "vscode-sftp", p[5]),
        "    \"remotePath\": \"/home/ubuntu/site\",",
        "    \"uploadOnSave\": true",
        "}",
    ])


def mail_irc_voice(c, i):
    p = [c.pick(i + k, avoid="\"\\ ;#") for k in range(12)]
    # esmtprc(5)
    c.file(CAT, "esmtp-%d/.esmtprc" % i, "esmtprc(5)", [
        "identity = ops@example.com",
        "\thostname = smtp.example.com:587",
        "\tusername = \"ops@example.com\"",
        P("\tpassword = \"%s\"" % p[0], "esmtprc", p[0]),
        "\tstarttls = required",
        "mda \"/usr/bin/procmail -d %T\"",
    ], 0o600)
    # HexChat servlist.conf: N= network, I= nick, U= user, P= server password, B= nickserv password
    c.file(CAT, "hexchat-%d/.config/hexchat/servlist.conf" % i, "HexChat docs: servlist.conf fields", [
        "v=2.16.1",
        "",
        "N=Libera.Chat",
        "I=jdoe",
        "U=jdoe",
        P("P=%s" % p[1], "hexchat", p[1]),
        P("B=%s" % p[2], "hexchat", p[2]),
        "L=6",
        "E=UTF-8 (Unicode)",
        "F=46",
        "D=0",
        "S=irc.libera.chat/6697",
    ])
    # irssi: ~/.irssi/config, servers = ( { password = "..."; } ), autosendcmd
    c.file(CAT, "irssi-%d/.irssi/config" % i, "irssi docs: startup-HOWTO, config", [
        "servers = (",
        "  {",
        "    address = \"irc.libera.chat\";",
        "    chatnet = \"liberachat\";",
        "    port = \"6697\";",
        P("    password = \"%s\";" % p[3], "irssi", p[3]),
        "    use_tls = \"yes\";",
        "    autoconnect = \"yes\";",
        "  }",
        ");",
        "chatnets = {",
        "  liberachat = {",
        "    type = \"IRC\";",
        P("    autosendcmd = \"/msg NickServ IDENTIFY jdoe %s; wait 2000\";" % p[4], "irssi", p[4]),
        "  };",
        "};",
    ])
    # ZNC wiki "Configuration": <Pass password> block with Hash/Salt; Server lines with a password
    c.file(CAT, "znc-%d/.znc/configs/znc.conf" % i, "ZNC wiki: Configuration", [
        "Version = 1.8.2",
        "<Listener l>",
        "\tPort = 6697",
        "\tSSL = true",
        "</Listener>",
        "<User admin>",
        "\t<Pass password>",
        "\t\tMethod = sha256",
        P("\t\tHash = %s" % c.rnd(64, HEX), "znc-hash"),
        "\t\tSalt = %s" % c.rnd(20, "abcdefghijklmnopqrstuvwxyz!?.,:;/*-+_()"),
        "\t</Pass>",
        "\tAdmin = true",
        "\tNick = admin",
        "\t<Network libera>",
        P("\t\tServer = irc.libera.chat +6697 %s" % p[5], "znc-server", p[5]),
        "\t</Network>",
        "</User>",
    ])
    # Ventrilo server ventrilo_srv.ini [Server] Password=, AdminPassword=
    c.file(CAT, "ventrilo-%d/ventrilo_srv.ini" % i, "Ventrilo server docs: ventrilo_srv.ini", [
        "[Server]",
        "Name=Guild Voice",
        "Phonetic=Guild Voice",
        "Auth=0",
        "Duplicates=1",
        P("AdminPassword=%s" % p[6], "ventrilo", p[6]),
        P("Password=%s" % p[7], "ventrilo", p[7]),
        "MaxClients=16",
        "SendBuffer=0",
        "RecvBuffer=0",
    ])
    # TeamSpeak 3 server ts3server.ini (serveradmin_password, dbpassword)
    c.file(CAT, "teamspeak-%d/ts3server.ini" % i, "TeamSpeak 3 server quickstart: ts3server.ini", [
        "machine_id=",
        "default_voice_port=9987",
        "voice_ip=0.0.0.0",
        "filetransfer_port=30033",
        "query_port=10011",
        P("serveradmin_password=%s" % p[8], "teamspeak", p[8]),
        "dbplugin=ts3db_mariadb",
        "dbpluginparameter=ts3db_mariadb.ini",
    ])
    c.file(CAT, "teamspeak-%d/ts3db_mariadb.ini" % i, "TeamSpeak 3 server: ts3db_mariadb.ini", [
        "[config]",
        "host=127.0.0.1",
        "port=3306",
        "username=teamspeak",
        P("password=%s" % p[9], "teamspeak", p[9]),
        "database=teamspeak3",
    ])
    # Mumble murmur.ini: serverpassword, registerPassword, icesecretwrite
    c.file(CAT, "mumble-%d/murmur.ini" % i, "Mumble wiki: Murmur.ini", [
        "database=/var/lib/mumble-server/mumble-server.sqlite",
        "ice=\"tcp -h 127.0.0.1 -p 6502\"",
        P("icesecretwrite=%s" % p[10], "mumble", p[10]),
        "welcometext=\"Welcome to our server\"",
        "port=64738",
        P("serverpassword=%s" % p[11], "mumble", p[11]),
        "users=100",
    ])


def misc_tools(c, i):
    p = [c.pick(i + k, avoid="\"\\ ;#'<>&") for k in range(12)]
    # Python Packaging: .pypirc
    c.file(CAT, "pypirc-%d/.pypirc" % i, "Python Packaging User Guide: The .pypirc file", [
        "[distutils]",
        "index-servers =",
        "    pypi",
        "    private",
        "",
        "[private]",
        "repository = https://pypi.example.com/",
        "username = release",
        P("password = %s" % p[0], "pypirc", p[0]),
    ])
    # MySQL docs "Option Files": ~/.my.cnf [client] password=
    c.file(CAT, "mycnf-%d/.my.cnf" % i, "MySQL docs: Using Option Files", [
        "[client]",
        "user=root",
        P("password=\"%s\"" % p[1], "mycnf", p[1]),
        "host=127.0.0.1",
        "",
        "[mysqldump]",
        "single-transaction",
    ], 0o600)
    # Maven "Password Encryption" / settings.xml <server><password>
    c.file(CAT, "maven-%d/.m2/settings.xml" % i, "Maven settings reference: servers", [
        "<settings>",
        "  <servers>",
        "    <server>",
        "      <id>nexus-releases</id>",
        "      <username>deployment</username>",
        P("      <password>%s</password>" % p[2], "maven-settings", p[2]),
        "    </server>",
        "  </servers>",
        "</settings>",
    ])
    # NuGet docs "nuget.config reference": packageSourceCredentials ClearTextPassword
    c.file(CAT, "nuget-%d/nuget.config" % i, "NuGet docs: nuget.config reference, packageSourceCredentials", [
        "<?xml version=\"1.0\" encoding=\"utf-8\"?>",
        "<configuration>",
        "  <packageSources>",
        "    <add key=\"Contoso\" value=\"https://pkgs.example.com/nuget/v3/index.json\" />",
        "  </packageSources>",
        "  <packageSourceCredentials>",
        "    <Contoso>",
        "      <add key=\"Username\" value=\"builder\" />",
        P("      <add key=\"ClearTextPassword\" value=\"%s\" />" % p[3], "nuget", p[3]),
        "    </Contoso>",
        "  </packageSourceCredentials>",
        "</configuration>",
    ])
    # Composer docs "Authentication for privately hosted packages": auth.json http-basic
    c.file(CAT, "composer-%d/auth.json" % i, "Composer docs: auth.json http-basic", [
        "{",
        "    \"http-basic\": {",
        "        \"repo.example.org\": {",
        "            \"username\": \"composer\",",
        P("            \"password\": \"%s\"" % p[4], "composer-auth", p[4]),
        "        }",
        "    }",
        "}",
    ])
    # wpa_supplicant.conf(5): network={ ssid= psk= }
    c.file(CAT, "wpa-%d/wpa_supplicant.conf" % i, "wpa_supplicant.conf(5)", [
        "ctrl_interface=DIR=/var/run/wpa_supplicant GROUP=netdev",
        "update_config=1",
        "country=DE",
        "network={",
        "\tssid=\"office-5g\"",
        P("\tpsk=\"%s\"" % p[5], "wpa-psk", p[5]),
        "\tkey_mgmt=WPA-PSK",
        "}",
    ])
    # fetchmail(1) .fetchmailrc; msmtp(1) .msmtprc; muttrc(5)
    c.file(CAT, "mail-%d/.fetchmailrc" % i, "fetchmail(1) run control file", [
        "set daemon 300",
        P("poll imap.example.com protocol IMAP user \"jdoe\" password \"%s\" ssl" % p[6], "fetchmailrc", p[6]),
    ], 0o600)
    c.file(CAT, "mail-%d/.msmtprc" % i, "msmtp docs: configuration file", [
        "defaults",
        "auth on",
        "tls on",
        "account work",
        "host smtp.example.com",
        "port 587",
        "from jdoe@example.com",
        "user jdoe@example.com",
        P("password %s" % p[7], "msmtprc", p[7]),
        "account default : work",
    ], 0o600)
    c.file(CAT, "mail-%d/.muttrc" % i, "muttrc(5): imap_pass, smtp_pass", [
        "set imap_user = \"jdoe@example.com\"",
        P("set imap_pass = \"%s\"" % p[8], "muttrc", p[8]),
        "set smtp_url = \"smtps://jdoe@example.com@smtp.example.com:465/\"",
        P("set smtp_pass = \"%s\"" % p[9], "muttrc", p[9]),
        "set folder = \"imaps://imap.example.com:993\"",
    ])
    # curl(1) --config .curlrc `user = "name:password"`; wgetrc (wget manual)
    c.file(CAT, "curl-%d/.curlrc" % i, "curl(1) -K/--config; -u/--user", [
        "# ~/.curlrc",
        "silent",
        P("user = \"api:%s\"" % p[10], "curlrc", p[10]),
    ])
    c.file(CAT, "wget-%d/.wgetrc" % i, "GNU Wget manual: Wgetrc Commands (password, ftp_password)", [
        "timeout = 30",
        "user = mirror",
        P("password = %s" % p[11], "wgetrc", p[11]),
    ])
    # rclone docs "Configuration" (pass is obscured, still reversible); s3cmd .s3cfg
    c.file(CAT, "rclone-%d/rclone.conf" % i, "rclone docs: config (obscured passwords are reversible)", [
        "[box-sftp]",
        "type = sftp",
        "host = files.example.com",
        "user = backup",
        P("pass = %s" % c.rnd(48, B64.replace("+", "-").replace("/", "_")), "rclone-obscured"),
    ])
    # Jenkins credentials.xml: the password is encrypted with the instance's key
    c.file(CAT, "jenkins-%d/credentials.xml" % i, "Jenkins docs: Credentials (credentials.xml)", whole="jenkins-credentials-file", items=[
        "<?xml version='1.1' encoding='UTF-8'?>",
        "<com.cloudbees.plugins.credentials.SystemCredentialsProvider plugin=\"credentials@1337.v60b_d7b_c7b_c9f\">",
        "  <domainCredentialsMap class=\"hudson.util.CopyOnWriteMap$Hash\">",
        "    <entry>",
        "      <com.cloudbees.plugins.credentials.domains.Domain><specifications/></com.cloudbees.plugins.credentials.domains.Domain>",
        "      <java.util.concurrent.CopyOnWriteArrayList>",
        "        <com.cloudbees.plugins.credentials.impl.UsernamePasswordCredentialsImpl>",
        "          <id>deploy</id>",
        "          <username>deploy</username>",
        P("          <password>{%s}</password>" % c.rnd(64, B64), "jenkins-credentials"),
        "        </com.cloudbees.plugins.credentials.impl.UsernamePasswordCredentialsImpl>",
        "      </java.util.concurrent.CopyOnWriteArrayList>",
        "    </entry>",
        "  </domainCredentialsMap>",
        "</com.cloudbees.plugins.credentials.SystemCredentialsProvider>",
    ])
