import Testing

@testable import ScimGateway

@Suite("The bearer credential of an Authorization header")
struct BearerCredentialTests {
    @Test("The scheme matches case-insensitively and the credential is trimmed")
    func accepted() {
        #expect(BearerCredential.from(header: "Bearer pvs_abc") == "pvs_abc")
        #expect(BearerCredential.from(header: "bearer pvs_abc") == "pvs_abc")
        #expect(BearerCredential.from(header: "BEARER   pvs_abc \t") == "pvs_abc")
        #expect(BearerCredential.from(header: "bEaReR a b") == "a b")
    }

    @Test("Another scheme, a missing separator or an empty credential is no credential")
    func refused() {
        for header in [
            nil, "", "Bearer", "Bearer ", "Bearer    ", "Bearerpvs_abc", "Basic dXNlcjpwYXNz", "Bear pvs_abc", "Bearer\tpvs_abc", "Bearér x",
            "@EARER pvs_abc",
        ] {
            #expect(BearerCredential.from(header: header) == nil, "\(String(describing: header))")
        }
    }
}
