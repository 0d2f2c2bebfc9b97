import Foundation
import ProvisioningLog
import ScimCore
import Testing

@Suite("Provisioning log redaction")
struct ProvisioningRedactionTests {
    private func redact(_ text: String) throws -> String {
        ProvisioningRedaction.redact(try JSONValue.decode(text))
    }

    @Test("A password, a secret or a token attribute keeps its name and loses its value, at any depth and any case")
    func sensitiveNames() throws {
        let kept = try redact(
            #"{"userName":"ada","PassWord":"hunter2","x":{"clientSecret":"s1","list":[{"api_key":"k1","apiKey":"k2","accessToken":"t1"}]}}"#
        )
        for secret in ["hunter2", "s1", "k1", "k2", "t1"] { #expect(!kept.contains(secret), "\(secret) in \(kept)") }
        #expect(kept.contains(#""PassWord":"[redacted]""#))
        #expect(kept.contains(#""userName":"ada""#))
    }

    @Test("PATCH operations: a path naming a password hides the value, and so does a value object holding one")
    func patchOperations() throws {
        let kept = try redact(
            #"""
            {"Operations":[{"op":"replace","path":"password","value":"p1"},{"op":"replace","value":{"password":"p2","active":false}},
            {"op":"add","path":"urn:ietf:params:scim:schemas:core:2.0:User:password","value":"p3"},{"op":"replace","path":"displayName","value":"Ada"}]}
            """#
        )
        for secret in ["p1", "p2", "p3"] { #expect(!kept.contains("\"\(secret)\""), "\(secret) in \(kept)") }
        #expect(kept.contains(#""value":"Ada""#))
        #expect(kept.contains(#""active":false"#))
    }

    @Test("Strings that look like credentials are redacted wherever they are, Bulk data included")
    func credentialLookingStrings() throws {
        let kept = try redact(
            #"""
            {"Operations":[{"method":"POST","path":"/Users","data":{"userName":"b","notes":[["pvs_abcd1234_secretsecretsecret"],
            "key pvk_0123456789abcdef","whsec_c2VjcmV0c2VjcmV0","Bearer abc.def-ghijkl","eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxIn0.c2ln"]}}]}
            """#
        )
        for secret in ["pvs_abcd", "pvk_0123", "whsec_c2", "abc.def-ghijkl", "eyJhbGci"] {
            #expect(!kept.contains(secret), "\(secret) in \(kept)")
        }
        #expect(kept.contains(#""userName":"b""#))
        #expect(!CredentialPattern.containsCredential(kept))
    }

    /// Found by the `redact` fuzz target: a backspace before "earer" is written as `\b`, and the kept text then reads
    /// "bearer abcdefghijkl". A string or key whose JSON form looks like a credential goes too.
    @Test("A control character whose JSON escape completes a credential pattern")
    func escapesThatCompleteAPattern() throws {
        let kept = try redact(#"{"Operations":[{"meto":{"usame":"b","x":["B\bearer abcdefghijkl","pvst"],"\bearer abcdefghijkl":1}}]}"#)
        #expect(!CredentialPattern.containsCredential(kept), "\(kept)")
        #expect(kept.contains(#""pvst""#))
        #expect(ProvisioningRedaction.redact(text: "B\u{8}earer abcdefghijkl") == ProvisioningRedaction.redacted)
    }

    @Test("Ordinary text is no credential: prefixes alone, short runs, words like 'bearer'")
    func notCredentials() {
        for text in ["pvs_", "pvs_abc", "the bearer of news", "eyJ only", "ada@example.com", "whsec_"] {
            #expect(!CredentialPattern.containsCredential(text), "\(text)")
        }
    }

    @Test("A key that is a credential is dropped with its value")
    func credentialKeys() throws {
        let kept = try redact(#"{"pvs_abcd1234_secretsecret":1,"pvk_abcdefghijkl":2,"a":3}"#)
        #expect(kept == #"{"a":3}"#)
    }

    @Test("Text past 8 KB is cut on a character boundary with a marker")
    func capped() throws {
        let long = String(repeating: "é", count: 10_000)
        let kept = ProvisioningRedaction.redact(.object(["displayName": .string(long)]))
        #expect(kept.utf8.count <= ProvisioningRedaction.maximumBytes)
        #expect(kept.hasSuffix(ProvisioningRedaction.truncationMarker))
        #expect(!kept.contains("\u{FFFD}"))
    }

    @Test("Huge arrays stop at the budget without walking them whole; deep nesting stops at 64 levels")
    func hostileShapes() {
        let huge = JSONValue.array(Array(repeating: .object(["password": .string("x"), "n": .number(1)]), count: 200_000))
        let kept = ProvisioningRedaction.redact(huge)
        #expect(kept.utf8.count <= ProvisioningRedaction.maximumBytes)
        #expect(kept.hasSuffix(ProvisioningRedaction.truncationMarker))
        #expect(!kept.contains(#""x""#))

        var deep = JSONValue.object(["password": .string("deepsecret")])
        for _ in 0..<200 { deep = .array([deep]) }
        let keptDeep = ProvisioningRedaction.redact(deep)
        #expect(keptDeep.contains("[too deep]"))
        #expect(!keptDeep.contains("deepsecret"))

        let wide = JSONValue.array(Array(repeating: .number(1), count: 50_000))
        #expect(ProvisioningRedaction.redact(wide).hasSuffix(ProvisioningRedaction.truncationMarker))
    }

    @Test("A body that is not JSON is kept as its size only; so is invalid UTF-8")
    func notJSON() {
        #expect(ProvisioningRedaction.placeholder(notJSONBytes: 12) == "[not JSON, 12 bytes]")
        let invalid: [UInt8] = [0x7B, 0xFF, 0xFE, 0x7D]
        #expect((try? JSONValue.decode(Data(invalid))) == nil)
    }

    @Test("Free text: a detail holding a credential is redacted, others kept")
    func detailText() {
        #expect(ProvisioningRedaction.redact(text: "token pvs_abcd1234_secretsecret is bad") == "[redacted]")
        #expect(ProvisioningRedaction.redact(text: "userName is required") == "userName is required")
    }
}
