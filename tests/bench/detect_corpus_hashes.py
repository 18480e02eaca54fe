"""Category password-hashes: hashes that can be cracked offline, where people
commit them: SQL dumps, fixtures, seeds, LDIF, CSV exports (issue 13 item 2).
Shapes from crypt(5) (Linux man-pages / libxcrypt), the PHC string format,
Django's password hashers docs, RFC 2307 / OpenLDAP FAQ for {SSHA}."""
import base64
import hashlib

from detect_corpus_lib import P, N, b64, HEX, CRYPT64, B64

CAT = "password-hashes"


def phc_b64(c, nbytes):
    return base64.b64encode(bytes(c.r.randrange(256) for _ in range(nbytes))).decode().rstrip("=")


def hashes(c):
    """One of each scheme: (kind, hash string)."""
    return [
        ("bcrypt-2a", c.bcrypt_shaped(variant="2a")),
        ("bcrypt-2b", c.bcrypt_shaped(variant="2b")),
        ("bcrypt-2y", c.bcrypt_shaped(variant="2y")),
        ("sha512-crypt", c.crypt("-6", c.weak())),
        ("sha256-crypt", c.crypt("-5", c.weak())),
        ("md5-crypt", c.crypt("-1", c.weak())),
        ("apr1", c.crypt("-apr1", c.weak())),
        ("yescrypt", "$y$j9T$%s$%s" % (c.rnd(22, CRYPT64), c.rnd(43, CRYPT64))),
        ("argon2id", "$argon2id$v=19$m=65536,t=3,p=4$%s$%s" % (phc_b64(c, 16), phc_b64(c, 32))),
        ("argon2i", "$argon2i$v=19$m=16,t=2,p=1$%s$%s" % (phc_b64(c, 12), phc_b64(c, 16))),
        ("scrypt-passlib", "$scrypt$ln=16,r=8,p=1$%s$%s" % (phc_b64(c, 16), phc_b64(c, 32))),
        ("scrypt-crypt", "$7$CU..../....%s$%s" % (c.rnd(16, CRYPT64), c.rnd(43, CRYPT64))),
        ("django-pbkdf2", "pbkdf2_sha256$%d$%s$%s=" % (c.r.choice((260000, 600000, 720000)), c.rnd(22),
                                                      phc_b64(c, 32))),
        ("django-argon2", "argon2$argon2id$v=19$m=102400,t=2,p=8$%s$%s" % (phc_b64(c, 16), phc_b64(c, 16))),
        ("django-bcrypt", "bcrypt_sha256$" + c.bcrypt_shaped(variant="2b", cost=12)),
    ]


def build(c):
    hs = hashes(c)
    # SQL dump (mysqldump/pg_dump style) of an application's users table
    items = ["-- MySQL dump 10.13  Distrib 8.0.36, for Linux (x86_64)",
             "--",
             "-- Table structure for table `users`",
             "--",
             "DROP TABLE IF EXISTS `users`;",
             "CREATE TABLE `users` (",
             "  `id` int NOT NULL AUTO_INCREMENT,",
             "  `email` varchar(255) NOT NULL,",
             N("  `password` varchar(255) NOT NULL,", "sql-column"),
             "  PRIMARY KEY (`id`)",
             ") ENGINE=InnoDB DEFAULT CHARSET=utf8mb4;",
             "LOCK TABLES `users` WRITE;",
             "INSERT INTO `users` VALUES"]
    for n, (kind, h) in enumerate(hs[:8], 1):
        sep = ";" if n == 8 else ","
        items.append(P("(%d,'user%d@example.com','%s')%s" % (n, n, h.replace("\\", "\\\\"), sep), kind, h))
    items.append("UNLOCK TABLES;")
    c.file(CAT, "dumps/app_users.sql", "mysqldump output; crypt(5)", items)
    # pg_dump COPY format
    items = ["COPY public.accounts (id, username, password_hash, created_at) FROM stdin;"]
    for n, (kind, h) in enumerate(hs[8:], 1):
        items.append(P("%d\tuser%d\t%s\t2024-0%d-1%d 10:00:00+00" % (n, n, h, n % 9 + 1, n % 9), kind, h))
    items.append("\\.")
    c.file(CAT, "dumps/accounts.pgdump.sql", "pg_dump COPY format; PHC string format", items)
    # MySQL mysql.user: mysql_native_password is '*' + 40 hex (SHA1(SHA1(pw)))
    nat = "*" + hashlib.sha1(hashlib.sha1(c.weak().encode()).digest()).hexdigest().upper()
    c.file(CAT, "dumps/mysql_users.sql", "MySQL docs: Native Pluggable Authentication", [
        "INSERT INTO `user` (`Host`, `User`, `plugin`, `authentication_string`) VALUES",
        P("('%%','app','mysql_native_password','%s')," % nat, "mysql-native", nat),
        N("('localhost','mysql.sys','caching_sha2_password','$A$005$THISISACOMBINATIONOFINVALIDSALTANDPASSWORDTHATMUSTNEVERBRBEUSED');",
          "mysql-invalid-marker"),
    ])
    # PostgreSQL docs "Password Authentication": SCRAM-SHA-256$<iter>:<salt>$<StoredKey>:<ServerKey>; md5 + 32 hex
    scram = "SCRAM-SHA-256$4096:%s$%s:%s" % (b64(bytes(c.r.randrange(256) for _ in range(16))),
                                             b64(bytes(c.r.randrange(256) for _ in range(32))),
                                             b64(bytes(c.r.randrange(256) for _ in range(32))))
    md5 = "md5" + hashlib.md5((c.weak() + "app").encode()).hexdigest()
    c.file(CAT, "dumps/roles.sql", "PostgreSQL docs: Password Authentication; pg_dumpall --roles-only", [
        "CREATE ROLE app;",
        P("ALTER ROLE app WITH NOSUPERUSER INHERIT NOCREATEROLE NOCREATEDB LOGIN PASSWORD '%s';" % scram, "pg-scram", scram),
        "CREATE ROLE legacy;",
        P("ALTER ROLE legacy WITH LOGIN PASSWORD '%s';" % md5, "pg-md5", md5),
    ])
    # Django docs "Providing initial data with fixtures" (auth.user password field)
    for n, (kind, h) in enumerate(hs[12:], 1):
        c.file(CAT, "django/fixtures/users%d.json" % n, "Django docs: fixtures; Password management", [
            "[",
            "  {",
            "    \"model\": \"auth.user\",",
            "    \"pk\": %d," % n,
            "    \"fields\": {",
            P("      \"password\": \"%s\"," % h, kind, h),
            "      \"last_login\": null,",
            "      \"is_superuser\": true,",
            "      \"username\": \"admin%d\"," % n,
            "      \"email\": \"admin%d@example.com\"" % n,
            "    }",
            "  }",
            "]",
        ])
    # Rails/Devise fixtures: encrypted_password (bcrypt)
    items = []
    for n in range(1, 4):
        h = c.bcrypt_shaped(variant="2a", cost=11)
        items += ["user_%d:" % n, "  email: user%d@example.com" % n,
                  P("  encrypted_password: %s" % h, "bcrypt-2a", h), "  confirmed_at: 2024-01-01 00:00:00", ""]
    c.file(CAT, "rails/test/fixtures/users.yml", "Devise README (encrypted_password); Rails fixtures", items)
    # OpenLDAP Admin Guide / RFC 2307 userPassword {SSHA}, {SHA}, {CRYPT}; LDIF base64 with '::'
    ss = [c.ssha(c.weak()) for _ in range(3)]
    c.file(CAT, "ldap/users.ldif", "OpenLDAP FAQ: userPassword schemes; RFC 2849 (LDIF, '::' base64)", [
        "dn: uid=jdoe,ou=people,dc=example,dc=com",
        "objectClass: inetOrgPerson",
        "uid: jdoe",
        "cn: John Doe",
        "sn: Doe",
        P("userPassword: %s" % ss[0], "ldap-ssha", ss[0]),
        "",
        "dn: uid=asmith,ou=people,dc=example,dc=com",
        "objectClass: inetOrgPerson",
        "uid: asmith",
        "cn: Alice Smith",
        "sn: Smith",
        P("userPassword:: %s" % b64(ss[1]), "ldap-ssha-base64"),
        "",
        "dn: cn=admin,dc=example,dc=com",
        "objectClass: organizationalRole",
        "cn: admin",
        P("userPassword: {CRYPT}%s" % c.crypt("-6", c.weak()), "ldap-crypt"),
        "",
        "dn: olcDatabase={1}mdb,cn=config",
        P("olcRootPW: %s" % ss[2], "ldap-ssha", ss[2]),
    ])
    # CSV export and a seed script
    rows = ["id,username,email,password_hash,role"]
    for n, (kind, h) in enumerate(hs[:11], 1):
        rows.append(P("%d,user%d,user%d@example.com,%s,%s" % (n, n, n, h, ("admin", "user")[n % 2]), kind, h))
    c.file(CAT, "exports/users.csv", "common practice: user table exports", rows)
    h1, h2 = c.bcrypt_shaped(variant="2y", cost=10), hs[8][1]
    c.file(CAT, "seeds/UserSeeder.php", "Laravel docs: Database Seeding (Hash::make output pasted)", [
        "<?php",
        "use Illuminate\\Support\\Facades\\DB;",
        "class UserSeeder extends Seeder {",
        "    public function run(): void {",
        "        DB::table('users')->insert([",
        "            'name' => 'admin',",
        P("            'password' => '%s'," % h1, "bcrypt-2y", h1),
        "        ]);",
        P("        DB::table('users')->insert(['name' => 'ops', 'password' => '%s']);" % h2, "argon2id", h2),
        N("        DB::table('users')->insert(['name' => 'demo', 'password' => Hash::make($pw)]);", "code"),
        "    }",
        "}",
    ])
    # /etc/shadow copies checked into provisioning repositories and Dockerfiles
    sh = c.crypt("-6", c.weak())
    c.file(CAT, "docker/Dockerfile", "usermod(8) -p; chpasswd(8) -e; crypt(5)", [
        "FROM debian:bookworm-slim",
        "RUN useradd -m app",
        P("RUN usermod -p '%s' app" % sh, "sha512-crypt", sh),
        P("RUN echo 'root:%s' | chpasswd -e" % c.crypt("-5", c.weak()), "sha256-crypt"),
        "USER app",
    ])
    # a cloud-init user-data (cloud-init docs: Users and Groups, passwd: hash)
    c.file(CAT, "cloud-init/user-data.yaml", "cloud-init docs: Users and Groups (passwd)", [
        "#cloud-config",
        "users:",
        "  - name: ops",
        "    groups: sudo",
        "    shell: /bin/bash",
        P("    passwd: %s" % c.crypt("-6", c.weak()), "sha512-crypt"),
        "    lock_passwd: false",
        N("    ssh_authorized_keys: []", "empty"),
    ])
    # Grafana/Jenkins-style htpasswd in a Helm values file (nginx ingress basic auth)
    c.file(CAT, "ingress/auth.yaml", "ingress-nginx docs: Basic Authentication (htpasswd in a Secret)", [
        "apiVersion: v1",
        "kind: Secret",
        "metadata:",
        "  name: basic-auth",
        "type: Opaque",
        "stringData:",
        P("  auth: \"admin:%s\"" % c.crypt("-apr1", c.weak()), "apr1"),
    ])
