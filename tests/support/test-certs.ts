/**
 * Certificates for TLS tests, made with the openssl CLI into a temporary directory at test time:
 * a CA, a server certificate for 127.0.0.1/localhost, a client certificate, and a second,
 * unrelated CA with its own client certificate (for "wrong CA" cases).
 */
import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

export interface TestCerts {
  dir: string;
  caFile: string;
  caPem: string;
  serverCertPem: string;
  serverKeyPem: string;
  clientCertFile: string;
  clientKeyFile: string;
  clientCertPem: string;
  clientKeyPem: string;
  /** CN of the client certificate: the user name the stand-in sees. */
  clientUser: string;
  /** A CA that signed nothing the server uses. */
  otherCaFile: string;
  otherCaPem: string;
  /** A client certificate signed by the other CA. */
  otherClientCertPem: string;
  otherClientKeyPem: string;
}

function openssl(dir: string, args: string[]): void {
  const r = Bun.spawnSync({ cmd: ["openssl", ...args], cwd: dir, stdout: "pipe", stderr: "pipe" });
  if (r.exitCode !== 0) throw new Error(`openssl ${args.join(" ")} failed: ${r.stderr.toString()}`);
}

const ec = ["-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes"];

function makeCa(dir: string, prefix: string, cn: string): void {
  openssl(dir, ["req", "-x509", ...ec, "-keyout", `${prefix}.key`, "-out", `${prefix}.crt`, "-days", "2", "-subj", `/CN=${cn}`]);
}

function signed(dir: string, ca: string, name: string, subj: string, ext: string): void {
  openssl(dir, ["req", ...ec, "-keyout", `${name}.key`, "-out", `${name}.csr`, "-subj", subj]);
  writeFileSync(join(dir, `${name}.ext`), ext);
  openssl(dir, ["x509", "-req", "-in", `${name}.csr`, "-CA", `${ca}.crt`, "-CAkey", `${ca}.key`, "-CAcreateserial", "-out", `${name}.crt`, "-days", "2", "-extfile", `${name}.ext`]);
}

export function generateTestCerts(dir = mkdtempSync(join(tmpdir(), "aicr-certs-"))): TestCerts {
  const clientUser = "aicr-test-client";
  makeCa(dir, "ca", "aicr-test-ca");
  signed(dir, "ca", "server", "/CN=kube-apiserver", "subjectAltName=IP:127.0.0.1,DNS:localhost\nextendedKeyUsage=serverAuth\nbasicConstraints=CA:FALSE\n");
  signed(dir, "ca", "client", `/O=system:masters/CN=${clientUser}`, "extendedKeyUsage=clientAuth\nbasicConstraints=CA:FALSE\n");
  makeCa(dir, "other-ca", "unrelated-ca");
  signed(dir, "other-ca", "other-client", "/CN=stranger", "extendedKeyUsage=clientAuth\nbasicConstraints=CA:FALSE\n");
  const read = (f: string) => readFileSync(join(dir, f), "utf8");
  return {
    dir,
    caFile: join(dir, "ca.crt"),
    caPem: read("ca.crt"),
    serverCertPem: read("server.crt"),
    serverKeyPem: read("server.key"),
    clientCertFile: join(dir, "client.crt"),
    clientKeyFile: join(dir, "client.key"),
    clientCertPem: read("client.crt"),
    clientKeyPem: read("client.key"),
    clientUser,
    otherCaFile: join(dir, "other-ca.crt"),
    otherCaPem: read("other-ca.crt"),
    otherClientCertPem: read("other-client.crt"),
    otherClientKeyPem: read("other-client.key"),
  };
}
