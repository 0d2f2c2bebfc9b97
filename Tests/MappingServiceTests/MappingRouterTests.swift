import Foundation
import HTTPTypes
import HummingbirdTesting
import InternalAPI
import NIOCore
import ScimCore
import ServiceKit
import ServiceTestSupport
import Testing

@testable import MappingService

@Suite("Mapping service: internal API through the router, SQL store on in-memory SQLite", .timeLimit(.minutes(1)))
struct MappingRouterTests {
    static let enterprise = "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User"

    /// A user as Microsoft Entra ID provisions it (POST /Users): `active` as a boolean, a primary work email,
    /// two phone numbers, the enterprise extension.
    static let entraUser: JSONValue = [
        "schemas": [.string(ScimSchemaURN.user), .string(enterprise)],
        "externalId": "9a5b1e2c-0000-4c1f-9d3e-entra000001",
        "userName": "alice.example@contoso.com",
        "active": true,
        "displayName": "Alice Example",
        "emails": [
            ["primary": true, "type": "work", "value": "alice.example@contoso.com"],
            ["type": "other", "value": "alice@personal.example"],
        ],
        "meta": ["resourceType": "User"],
        "name": ["formatted": "Alice Example", "familyName": "Example", "givenName": "Alice"],
        "phoneNumbers": [["type": "mobile", "value": "+1 555 0100"], ["type": "work", "value": "+1 555 0199"]],
        enterprise: ["department": "Finance", "employeeNumber": "1001"],
    ]

    /// `resource` with `key` replaced (or removed, when `value` is nil).
    static func user(_ resource: JSONValue = entraUser, setting key: String, to value: JSONValue?) -> JSONValue {
        var members = resource.objectValue ?? [:]
        members[key] = value
        return .object(members)
    }

    // MARK: Authentication and health

    @Test(arguments: [nil, "wrong-internal-key-of-good-length"] as [String?])
    func internalEndpointsRefuseCallsWithoutTheInternalKey(key: String?) async throws {
        try await withMappingService { client in
            try await client.call(.put, "/internal/v1/tenants/acme/idps/entra", json: ["providerType": "Azure"], internalKey: key)
                .expectScimError(401)
            try await client.call(.get, "/internal/v1/tenants/acme/idps/entra/mappings", internalKey: key).expectScimError(401)
            // The refused registration did not happen: the IdP still maps with the Generic defaults.
            #expect(try await client.mappings(idp: "entra")["Email"] == "emails.value")
        }
    }

    @Test func healthAndReadiness() async throws {
        try await withMappingService { client in
            let health = try await client.call(.get, "/healthz", internalKey: nil)
            #expect(health.status == .ok)
            #expect(try health.json["service"] == "mapping")
            let ready = try await client.call(.get, "/readyz", internalKey: nil)
            #expect(ready.status == .ok)
            #expect(try ready.json["checks"]?["store"] == "ok")
        }
    }

    // MARK: Registration and mappings

    @Test func registeredAzureIdentityProviderHasTheSevenAttributesAndTheWorkEmailMapping() async throws {
        try await withMappingService { client in
            let register = try await client.call(.put, "/internal/v1/tenants/acme/idps/entra", json: ["providerType": "Azure"])
            #expect(register.status == .noContent)
            #expect(register.body.readableBytes == 0)

            let response = try await client.call(.get, "/internal/v1/tenants/acme/idps/entra/mappings")
            #expect(response.status == .ok)
            let attributes = try #require(try response.json["attributes"]?.arrayValue)
            #expect(attributes.count == 7)
            #expect(
                Set(attributes.compactMap { $0["name"]?.stringValue }) == [
                    "Status", "Email", "First Name", "Last Name", "Username", "Mobile", "Phone",
                ]
            )
            let mandatory = Set(attributes.filter { $0["mandatory"] == true }.compactMap { $0["name"]?.stringValue })
            #expect(mandatory == ["Status", "Email", "First Name", "Last Name", "Username"])
            #expect(attributes.first { $0["name"] == "Status" }?["type"] == "boolean")

            #expect(
                try await client.mappings(idp: "entra") == [
                    "Status": "active",
                    "Email": #"emails[type eq "work"].value"#,
                    "First Name": "name.givenName",
                    "Last Name": "name.familyName",
                    "Username": "userName",
                    "Mobile": #"phoneNumbers[type eq "mobile"].value"#,
                    "Phone": #"phoneNumbers[type eq "work"].value"#,
                ]
            )
        }
    }

    @Test(arguments: ["Okta", "okta", "Duo", "Generic"])
    func nonAzureIdentityProvidersMapThePrimaryEmail(providerType: String) async throws {
        try await withMappingService { client in
            try await client.register(idp: "idp", providerType: providerType)
            #expect(try await client.mappings(idp: "idp")["Email"] == "emails.value")
        }
    }

    @Test(arguments: ["entra", "EntraID", "azuread"])
    func azureAliasesSelectTheAzureDefaults(providerType: String) async throws {
        try await withMappingService { client in
            try await client.register(idp: "idp", providerType: providerType)
            #expect(try await client.mappings(idp: "idp")["Email"] == #"emails[type eq "work"].value"#)
        }
    }

    @Test func unknownProviderTypeIsRefusedAndNothingIsRegistered() async throws {
        try await withMappingService { client in
            let response = try await client.call(.put, "/internal/v1/tenants/acme/idps/ping", json: ["providerType": "PingFederate"])
            try response.expectScimError(400, scimType: "invalidSyntax")
            #expect(response.detail?.contains("providerType") == true)
            try await client.call(.put, "/internal/v1/tenants/acme/idps/ping", json: [:]).expectScimError(400, scimType: "invalidSyntax")
            #expect(try await client.mappings(idp: "ping")["Email"] == "emails.value")
        }
    }

    @Test func registrationIsScopedToTheTenantAndIdentityProvider() async throws {
        try await withMappingService { client in
            try await client.register(tenant: "acme", idp: "entra", providerType: "Azure")
            #expect(try await client.mappings(tenant: "acme", idp: "okta")["Email"] == "emails.value")
            #expect(try await client.mappings(tenant: "beta", idp: "entra")["Email"] == "emails.value")
        }
    }

    @Test func deletingAnIdentityProviderOrTenantForgetsItsMappings() async throws {
        try await withMappingService { client in
            try await client.register(tenant: "acme", idp: "entra", providerType: "Azure")
            try await client.register(tenant: "acme", idp: "entra2", providerType: "Azure")
            try await client.register(tenant: "beta", idp: "entra", providerType: "Azure")

            #expect(try await client.call(.delete, "/internal/v1/tenants/acme/idps/entra").status == .noContent)
            #expect(try await client.mappings(tenant: "acme", idp: "entra")["Email"] == "emails.value")
            #expect(try await client.mappings(tenant: "acme", idp: "entra2")["Email"] == #"emails[type eq "work"].value"#)

            #expect(try await client.call(.delete, "/internal/v1/tenants/acme").status == .noContent)
            #expect(try await client.mappings(tenant: "acme", idp: "entra2")["Email"] == "emails.value")
            #expect(try await client.mappings(tenant: "beta", idp: "entra")["Email"] == #"emails[type eq "work"].value"#)
        }
    }

    // MARK: Mapping users with the rules the gateway fetches

    @Test func fullEntraUserMapsToTypedIdentity() async throws {
        try await withMappingService { client in
            try await client.register(idp: "entra", providerType: "Azure")
            #expect(
                try await client.map(idp: "entra", Self.entraUser).get() == [
                    "Status": true,
                    "Email": "alice.example@contoso.com",
                    "First Name": "Alice",
                    "Last Name": "Example",
                    "Username": "alice.example@contoso.com",
                    "Mobile": "+1 555 0100",
                    "Phone": "+1 555 0199",
                ]
            )
        }
    }

    @Test func azurePicksTheWorkEmailEvenWhenAnotherIsPrimary() async throws {
        try await withMappingService { client in
            try await client.register(idp: "entra", providerType: "Azure")
            let user = Self.user(
                setting: "emails",
                to: [
                    ["primary": true, "type": "home", "value": "alice@home.example"],
                    ["type": "work", "value": "alice@contoso.com"],
                ]
            )
            #expect(try await client.map(idp: "entra", user).get()["Email"] == "alice@contoso.com")
        }
    }

    @Test func userWithoutEmailsIsInvalidValueNamingEmail() async throws {
        try await withMappingService { client in
            try await client.register(idp: "entra", providerType: "Azure")
            let refusal = try #require(try await client.map(idp: "entra", Self.user(setting: "emails", to: nil)).refusal)
            #expect(refusal.scimType == .invalidValue)
            #expect(refusal.detail.contains("Email"))
            #expect(refusal.detail.contains(#"emails[type eq "work"].value"#))
            #expect(!refusal.detail.contains("First Name"))
        }
    }

    @Test func azureUserWithOnlyANonWorkEmailIsMissingEmail() async throws {
        try await withMappingService { client in
            try await client.register(idp: "entra", providerType: "Azure")
            let refusal = try #require(
                try await client.map(
                    idp: "entra",
                    Self.user(setting: "emails", to: [["primary": true, "type": "home", "value": "alice@home.example"]])
                ).refusal
            )
            #expect(refusal.scimType == .invalidValue)
            #expect(refusal.detail.contains("Email"))
        }
    }

    @Test func everyMissingMandatoryAttributeIsNamed() async throws {
        try await withMappingService { client in
            let refusal = try #require(try await client.map(idp: "generic", ["userName": "bob", "active": true]).refusal)
            #expect(refusal.scimType == .invalidValue)
            for name in ["Email", "First Name", "Last Name"] { #expect(refusal.detail.contains(name), "\(name) in \(refusal.detail)") }
            #expect(!refusal.detail.contains("Username"))
            #expect(!refusal.detail.contains("Mobile"))
        }
    }

    @Test(
        arguments: [
            ("False", false), ("false", false), ("True", true), ("TRUE", true),
        ] as [(String, Bool)]
    )
    func activeAsAStringBecomesABooleanStatus(text: String, expected: Bool) async throws {
        try await withMappingService { client in
            try await client.register(idp: "entra", providerType: "Azure")
            #expect(try await client.map(idp: "entra", Self.user(setting: "active", to: .string(text))).get()["Status"] == .bool(expected))
        }
    }

    @Test func absentActiveMapsAsActive() async throws {
        try await withMappingService { client in
            try await client.register(idp: "entra", providerType: "Azure")
            #expect(try await client.map(idp: "entra", Self.user(setting: "active", to: nil)).get()["Status"] == true)
        }
    }

    @Test func activeThatIsNotABooleanIsInvalidValueNamingStatus() async throws {
        try await withMappingService { client in
            try await client.register(idp: "entra", providerType: "Azure")
            let refusal = try #require(try await client.map(idp: "entra", Self.user(setting: "active", to: "maybe")).refusal)
            #expect(refusal.scimType == .invalidValue)
            #expect(refusal.detail.contains("Status"))
        }
    }

    @Test func unregisteredIdentityProviderMapsWithGenericDefaultsAndPicksThePrimaryEmail() async throws {
        try await withMappingService { client in
            #expect(try await client.mappings(idp: "never-registered")["Email"] == "emails.value")
            let user = Self.user(
                setting: "emails",
                to: [
                    ["type": "work", "value": "first@example.com"],
                    ["type": "home", "value": "primary@example.com", "primary": true],
                    ["type": "other", "value": "third@example.com"],
                ]
            )
            let identity = try await client.map(idp: "never-registered", user).get()
            #expect(identity["Email"] == "primary@example.com")
            #expect(identity["Username"] == "alice.example@contoso.com")
            #expect(identity["Status"] == true)
        }
    }

    @Test func genericMappingTakesTheFirstEmailWhenNoneIsPrimary() async throws {
        try await withMappingService { client in
            let user = Self.user(setting: "emails", to: [["value": "one@example.com"], ["value": "two@example.com"]])
            let identity = try await client.map(idp: "generic", user).get()
            #expect(identity["Email"] == "one@example.com")
        }
    }

    @Test func resourceThatIsNotAnObjectIsInvalidSyntax() async throws {
        try await withMappingService { client in
            let refusal = try await client.map(idp: "generic", ["not", "an", "object"]).refusal
            #expect(refusal?.scimType == .invalidSyntax)
        }
    }
}
