import { generateKeyPairSync, randomBytes } from 'node:crypto';
import { isIP } from 'node:net';
import forge from 'node-forge';

/** A PEM certificate and its private key. */
export interface CertificatePair {
  certPem: string;
  keyPem: string;
}

/** A throw-away certificate authority that issues server certificates for local emulators. */
export interface CertificateAuthority {
  /** PEM of the CA certificate: what clients trust (kubeconfig `certificate-authority-data`, `tlsOptions.ca`). */
  readonly caPem: string;
  /** Issues a server certificate for the given DNS names and IP addresses. */
  issue(hosts: string[]): CertificatePair;
}

export interface CertificateAuthorityOptions {
  /** Subject common name of the CA. Default `gati-emulator-ca`. */
  commonName?: string;
  /** Validity in days. Default 30. */
  validDays?: number;
}

function newKeyPair(): { publicKey: forge.pki.PublicKey; privateKey: forge.pki.PrivateKey; keyPem: string } {
  // Node's native RSA key generation is ~100x faster than node-forge's pure-JS one.
  const { privateKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
  const keyPem = privateKey.export({ type: 'pkcs1', format: 'pem' }).toString();
  const forgeKey = forge.pki.privateKeyFromPem(keyPem) as forge.pki.rsa.PrivateKey;
  return { privateKey: forgeKey, publicKey: forge.pki.setRsaPublicKey(forgeKey.n, forgeKey.e), keyPem };
}

function serial(): string {
  const bytes = randomBytes(16);
  bytes[0] = (bytes[0] ?? 0) & 0x7f; // positive
  return bytes.toString('hex');
}

function validity(cert: forge.pki.Certificate, days: number): void {
  cert.validity.notBefore = new Date(Date.now() - 60_000);
  cert.validity.notAfter = new Date(Date.now() + days * 86_400_000);
}

/** Generates a fresh CA (RSA 2048, SHA-256). Keys live only in memory. */
export function createCertificateAuthority(options: CertificateAuthorityOptions = {}): CertificateAuthority {
  const commonName = options.commonName ?? 'gati-emulator-ca';
  const days = options.validDays ?? 30;
  const ca = newKeyPair();
  const caCert = forge.pki.createCertificate();
  caCert.publicKey = ca.publicKey;
  caCert.serialNumber = serial();
  validity(caCert, days);
  const caSubject = [{ name: 'commonName', value: commonName }];
  caCert.setSubject(caSubject);
  caCert.setIssuer(caSubject);
  caCert.setExtensions([
    { name: 'basicConstraints', cA: true, critical: true },
    { name: 'keyUsage', keyCertSign: true, cRLSign: true, digitalSignature: true, critical: true },
    { name: 'subjectKeyIdentifier' },
  ]);
  caCert.sign(ca.privateKey as forge.pki.rsa.PrivateKey, forge.md.sha256.create());
  const caPem = forge.pki.certificateToPem(caCert);

  return {
    caPem,
    issue(hosts: string[]): CertificatePair {
      const names = hosts.length > 0 ? hosts : ['localhost', '127.0.0.1'];
      const leaf = newKeyPair();
      const cert = forge.pki.createCertificate();
      cert.publicKey = leaf.publicKey;
      cert.serialNumber = serial();
      validity(cert, days);
      cert.setSubject([{ name: 'commonName', value: names[0] ?? 'localhost' }]);
      cert.setIssuer(caSubject);
      cert.setExtensions([
        { name: 'basicConstraints', cA: false },
        { name: 'keyUsage', digitalSignature: true, keyEncipherment: true, critical: true },
        { name: 'extKeyUsage', serverAuth: true },
        { name: 'authorityKeyIdentifier', keyIdentifier: caCert.generateSubjectKeyIdentifier().getBytes() },
        { name: 'subjectAltName', altNames: names.map((h) => (isIP(h) ? { type: 7, ip: h } : { type: 2, value: h })) },
      ]);
      cert.sign(ca.privateKey as forge.pki.rsa.PrivateKey, forge.md.sha256.create());
      return { certPem: forge.pki.certificateToPem(cert), keyPem: leaf.keyPem };
    },
  };
}
