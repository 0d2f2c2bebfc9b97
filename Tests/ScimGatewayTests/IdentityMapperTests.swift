import Foundation
import HTTPTypes
import HummingbirdTesting
import IdentityMapping
import InternalAPI
import Logging
import ScimCore
import ServiceTestSupport
import Testing

@testable import ScimGateway

/// The gateway maps users in process (``IdentityMapper``) with rules it fetches from the mapping service and keeps;
/// a change to the rules made through this replica's admin API must reach the next user write at once.
@Suite("SCIM gateway: identity mapping in process, with the mapping service's rules", .timeLimit(.minutes(1)))
struct IdentityMapperTests {
    static func user(_ name: String) -> JSONValue { ["schemas": [.string(ScimSchemaURN.user)], "userName": .string(name)] }

    @Test func mapsWithTheIdPsRulesAndFetchesThemOncePerIdP() async throws {
        let mapping = FakeMappingClient()
        let mapper = IdentityMapper(mapping: mapping, mappers: MapperCache(ttl: .seconds(3_600)))
        let identity = try await mapper.identity(of: Self.user("bob"), tenantID: "acme", idpID: "okta", logger: .discarding)
        #expect(identity == ["Username": "bob", "Status": true])
        _ = try await mapper.identity(of: Self.user("carol"), tenantID: "acme", idpID: "okta", logger: .discarding)
        _ = try await mapper.identity(of: Self.user("dave"), tenantID: "acme", idpID: "entra", logger: .discarding)
        #expect(mapping.rulesFetches == ["acme/okta", "acme/entra"])
    }

    @Test func invalidatingATenantForgetsItsRulesAndNoOtherTenants() async throws {
        let mapping = FakeMappingClient()
        let mapper = IdentityMapper(mapping: mapping, mappers: MapperCache(ttl: .seconds(3_600)))
        for tenant in ["acme", "beta"] { _ = try await mapper.identity(of: Self.user("bob"), tenantID: tenant, idpID: "okta", logger: .discarding) }
        mapper.invalidate(tenantID: "acme")
        for tenant in ["acme", "beta"] { _ = try await mapper.identity(of: Self.user("bob"), tenantID: tenant, idpID: "okta", logger: .discarding) }
        #expect(mapping.rulesFetches == ["acme/okta", "beta/okta", "acme/okta"])
    }

    @Test func aUserTheRulesRefuseIsInvalidValueNamingTheAttribute() async throws {
        let mapping = FakeMappingClient()
        let mapper = IdentityMapper(mapping: mapping)
        let refused = await #expect(throws: ScimError.self) {
            try await mapper.identity(of: ["userName": "bob", "active": "maybe"], tenantID: "acme", idpID: "okta", logger: .discarding)
        }
        #expect(refused?.scimType == .invalidValue)
        #expect(refused?.detail.contains("Status") == true)
    }

    /// An admin call that changes the rules users are mapped with.
    struct RuleChange: Sendable, CustomTestStringConvertible {
        var method: HTTPRequest.Method
        var uri: String
        var json: JSONValue?
        var testDescription: String { "\(method) \(uri)" }
    }

    @Test(arguments: [
        RuleChange(method: .post, uri: "/tenants/acme/attributes", json: ["name": "Level", "type": "number"]),
        RuleChange(method: .patch, uri: "/tenants/acme/attributes/Cost%20Center", json: ["mandatory": true]),
        RuleChange(method: .delete, uri: "/tenants/acme/attributes/Cost%20Center", json: nil),
        RuleChange(method: .put, uri: "/tenants/acme/idps/okta/mappings/Department", json: ["scimPath": "displayName"]),
        RuleChange(method: .delete, uri: "/tenants/acme/idps/okta/mappings/Department", json: nil),
        RuleChange(method: .patch, uri: "/tenants/acme/idps/okta", json: ["providerType": "Azure"]),
    ])
    func aChangeMadeThroughThisReplicaReachesTheNextUserWriteAtOnce(change: RuleChange) async throws {
        let gateway = Gateway()
        try await gateway.run { client in
            let token = try await gateway.seed(tenant: "acme", idp: "okta")
            #expect(try await client.admin(.post, "/tenants/acme/attributes", json: ["name": "Cost Center", "type": "string"]).status == .created)
            for name in ["bob", "carol"] {
                #expect(try await client.request(.post, "/scim/v2/acme/okta/Users", bearer: token, json: Self.user(name)).status == .created)
            }
            #expect(gateway.mapping.rulesFetches == ["acme/okta"])  // kept between writes

            let changed = try await client.admin(change.method, change.uri, json: change.json)
            #expect((200..<300).contains(changed.status.code), "\(changed.text)")
            #expect(try await client.request(.post, "/scim/v2/acme/okta/Users", bearer: token, json: Self.user("dave")).status == .created)
            #expect(gateway.mapping.rulesFetches == ["acme/okta", "acme/okta"])
        }
    }
}
