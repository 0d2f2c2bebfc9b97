import Foundation

/// A customer of Provisio. Every identity provider, user, group and credential belongs to exactly one tenant.
package struct Tenant: Codable, Sendable, Hashable {
    /// URL-safe identifier; part of every SCIM base URL of the tenant.
    package var id: String
    package var name: String
    package var createdAt: Date
    package var updatedAt: Date

    package init(id: String, name: String, createdAt: Date, updatedAt: Date) {
        self.id = id
        self.name = name
        self.createdAt = createdAt
        self.updatedAt = updatedAt
    }
}

package struct TenantCreateRequest: Codable, Sendable, Hashable {
    /// Optional; derived from `name` when absent.
    package var id: String?
    package var name: String

    package init(id: String? = nil, name: String) {
        self.id = id
        self.name = name
    }
}

package struct TenantUpdateRequest: Codable, Sendable, Hashable {
    package var name: String?
    package init(name: String? = nil) { self.name = name }
}

/// The kind of SCIM client an identity provider is; it selects default attribute mappings and wire quirks.
package enum ProviderType: String, Codable, Sendable, Hashable, CaseIterable {
    case generic = "Generic"
    case azure = "Azure"
    case okta = "Okta"
    case duo = "Duo"

    /// Accepts any letter case ("okta", "OKTA") and "Entra"/"EntraID" for Azure.
    package init?(lenient text: String) {
        switch text.lowercased() {
        case "generic": self = .generic
        case "azure", "entra", "entraid", "entra id", "azuread": self = .azure
        case "okta": self = .okta
        case "duo": self = .duo
        default: return nil
        }
    }

    package init(from decoder: any Decoder) throws {
        let text = try decoder.singleValueContainer().decode(String.self)
        guard let value = ProviderType(lenient: text) else {
            throw DecodingError.dataCorrupted(
                .init(codingPath: decoder.codingPath, debugDescription: "providerType must be one of Generic, Azure, Okta, Duo")
            )
        }
        self = value
    }
}

/// An identity provider of a tenant: the SCIM client that provisions users and groups into one isolated namespace.
package struct IdentityProvider: Codable, Sendable, Hashable {
    package var tenantID: String
    /// URL-safe identifier, unique within the tenant; part of the SCIM base URL.
    package var id: String
    package var name: String
    package var description: String
    package var providerType: ProviderType
    package var createdAt: Date
    package var updatedAt: Date
    /// The application API may rename the IdP's groups and edit their descriptions (README "Externally managed
    /// groups"); the IdP's next change of such a field wins again.
    package var groupsEditable: Bool

    package init(
        tenantID: String,
        id: String,
        name: String,
        description: String,
        providerType: ProviderType,
        createdAt: Date,
        updatedAt: Date,
        groupsEditable: Bool = false
    ) {
        self.tenantID = tenantID
        self.id = id
        self.name = name
        self.description = description
        self.providerType = providerType
        self.createdAt = createdAt
        self.updatedAt = updatedAt
        self.groupsEditable = groupsEditable
    }
}

package struct IdentityProviderCreateRequest: Codable, Sendable, Hashable {
    package var id: String?
    package var name: String
    package var description: String?
    package var providerType: ProviderType?

    package init(id: String? = nil, name: String, description: String? = nil, providerType: ProviderType? = nil) {
        self.id = id
        self.name = name
        self.description = description
        self.providerType = providerType
    }
}

package struct IdentityProviderUpdateRequest: Codable, Sendable, Hashable {
    package var name: String?
    package var description: String?
    package var providerType: ProviderType?
    package var groupsEditable: Bool?

    package init(name: String? = nil, description: String? = nil, providerType: ProviderType? = nil, groupsEditable: Bool? = nil) {
        self.name = name
        self.description = description
        self.providerType = providerType
        self.groupsEditable = groupsEditable
    }
}

/// Rules for tenant and identity-provider identifiers, which appear in URLs.
package enum Slug {
    /// Lower-case letters, digits and single hyphens; 1–63 characters; starts and ends with a letter or digit.
    /// No underscore: Okta refuses base URLs that contain one.
    package static func isValid(_ text: String) -> Bool {
        guard (1...63).contains(text.utf8.count) else { return false }
        let bytes = Array(text.utf8)
        func isAlnum(_ b: UInt8) -> Bool { (b >= 0x61 && b <= 0x7A) || (b >= 0x30 && b <= 0x39) }
        guard isAlnum(bytes.first!), isAlnum(bytes.last!) else { return false }
        return bytes.allSatisfy { isAlnum($0) || $0 == 0x2D }
    }

    /// A slug derived from a display name: "Acme Corp." becomes "acme-corp". Empty when nothing usable remains.
    package static func derive(from name: String) -> String {
        var result = ""
        var pendingHyphen = false
        for scalar in name.lowercased().unicodeScalars {
            if (scalar >= "a" && scalar <= "z") || (scalar >= "0" && scalar <= "9") {
                if pendingHyphen && !result.isEmpty { result.append("-") }
                pendingHyphen = false
                result.unicodeScalars.append(scalar)
            } else {
                pendingHyphen = true
            }
            if result.utf8.count >= 63 { break }
        }
        while result.hasSuffix("-") { result.removeLast() }
        return result
    }
}
