import Foundation
import ScimCore
import ScimPatch
import Testing

/// Replays the identity-provider PATCH payloads of IDP-WIRE §2.1 (Entra) and §2.2 (Okta) kept under
/// `Fixtures/IdP/{entra,okta}/*.json`. Each fixture is
/// `{"description", "source", "resourceType", "before", "request", "after", "membershipChanges", "changed"}`.
@Suite("IdP fixtures")
struct IdPFixtureTests {
    static let directory: URL? = Bundle.module.resourceURL?.appendingPathComponent("Fixtures/IdP", isDirectory: true)

    /// `entra/disable-user-string-false`, … (relative paths without `.json`), sorted.
    static func names() -> [String] {
        guard let directory else { return [] }
        var names: [String] = []
        for provider in ["entra", "okta"] {
            let folder = directory.appendingPathComponent(provider, isDirectory: true)
            let files = (try? FileManager.default.contentsOfDirectory(atPath: folder.path)) ?? []
            names += files.filter { $0.hasSuffix(".json") }.map { "\(provider)/\($0.dropLast(5))" }
        }
        return names.sorted()
    }

    @Test("every IdP quirk of IDP-WIRE §2.1/§2.2 has a fixture")
    func fixturesArePresent() {
        let names = Self.names()
        #expect(names.filter { $0.hasPrefix("entra/") }.count >= 10)
        #expect(names.filter { $0.hasPrefix("okta/") }.count >= 4)
    }

    @Test("fixture", arguments: names())
    func replay(_ name: String) throws {
        let url = try #require(Self.directory?.appendingPathComponent("\(name).json"))
        let fixture = try JSONValue.decode(try Data(contentsOf: url))
        let resourceType = try #require(fixture["resourceType"]?.stringValue.flatMap(ScimResourceType.init(name:)))
        let before = try #require(fixture["before"])
        let engine = PatchEngine(registry: .standard, resourceType: resourceType)

        let request = try PatchRequest(json: try #require(fixture["request"]))
        let result = try engine.apply(request, to: before)

        let expectedChanges = try (fixture["membershipChanges"]?.arrayValue ?? []).map(MembershipChange.init(fixture:))
        #expect(result.resource == fixture["after"], "\(result.resource.encodedString())")
        #expect(result.membershipChanges == expectedChanges)
        if let changed = fixture["changed"]?.boolValue {
            #expect(result.changed == changed)
        }
        // Replaying the request on its own result must not fail, and a pure-JSON patch must then be a no-op
        // (IdPs retry; JumpCloud repeats operations, IDP-WIRE §2.4).
        let again = try engine.apply(request, to: result.resource)
        if expectedChanges.isEmpty {
            #expect(again.resource == result.resource)
            #expect(!again.changed)
        }
    }
}
