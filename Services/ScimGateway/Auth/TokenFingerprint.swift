import Crypto

/// A bearer token as the gateway's in-memory maps key it: the SHA-256 digest of the token, so no map holds a secret.
/// Computed once per request and shared by the verification cache and the failed-authentication limiter. The digest
/// itself is the key: turning it into hex text for every request would be work on the hot path that buys nothing.
struct TokenFingerprint: Hashable, Sendable {
    let digest: SHA256Digest

    init(_ token: String) {
        var token = token
        digest = token.withUTF8 { SHA256.hash(data: UnsafeRawBufferPointer($0)) }
    }
}
