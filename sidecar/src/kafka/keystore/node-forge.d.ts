// The part of node-forge that the store readers use, typed here rather than through @types/node-forge:
// a handful of calls, and one dependency fewer. Forge works on "binary strings" (one char per byte).
declare module 'node-forge' {
  export interface Asn1 {
    tagClass: number
    type: number
    constructed: boolean
    /** Children of a constructed value; the content bytes (binary string) of a primitive one. */
    value: Asn1[] | string
  }
  export interface ByteStringBuffer { getBytes (): string }
  export interface SafeBag {
    /** The bag's OID: pki.oids.certBag, keyBag or pkcs8ShroudedKeyBag. */
    type: string
    /** A certificate or RSA key forge could parse, null when it could not (EC and other algorithms). */
    cert?: object | null
    key?: object | null
    /** The certificate or PrivateKeyInfo as ASN.1 when forge could not parse it. */
    asn1?: Asn1
  }
  export interface Pkcs12Pfx { safeContents: Array<{ encrypted: boolean, safeBags: SafeBag[] }> }
  const forge: {
    asn1: {
      fromDer (bytes: string, options?: { strict?: boolean, parseAllBytes?: boolean }): Asn1
      toDer (value: Asn1): ByteStringBuffer
      derToOid (bytes: string): string
    }
    pkcs12: { pkcs12FromAsn1 (pfx: Asn1, strict: boolean, password: string): Pkcs12Pfx }
    pki: {
      oids: Record<string, string>
      certificateToAsn1 (cert: object): Asn1
      privateKeyToAsn1 (key: object): Asn1
      wrapRsaPrivateKey (rsaPrivateKey: Asn1): Asn1
    }
  }
  export default forge
}
