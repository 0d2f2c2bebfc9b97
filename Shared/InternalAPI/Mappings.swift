import ScimCore

/// The type of an identity attribute (the seeds' "Add Identity Attribute" choices).
package enum IdentityAttributeType: String, Codable, Sendable, Hashable, CaseIterable {
    case string, number, boolean, date
}

/// An attribute of a person in the application's directory, which IdP attributes are mapped onto: a built-in one
/// (Status, Email, …) or one an admin added. The mapping engine and the admin API use this one type.
package struct IdentityAttribute: Codable, Sendable, Hashable {
    package var name: String
    package var description: String
    package var type: IdentityAttributeType
    package var multiValued: Bool
    /// An IdP must send it for a user to be created.
    package var mandatory: Bool
    package var builtIn: Bool

    package init(name: String, description: String, type: IdentityAttributeType, multiValued: Bool, mandatory: Bool, builtIn: Bool) {
        self.name = name
        self.description = description
        self.type = type
        self.multiValued = multiValued
        self.mandatory = mandatory
        self.builtIn = builtIn
    }
}

/// Adds a custom identity attribute to a tenant.
package struct IdentityAttributeCreateRequest: Codable, Sendable, Hashable {
    package var name: String
    package var description: String?
    /// string, number, boolean or date (any letter case).
    package var type: String
    package var multiValued: Bool?
    package var mandatory: Bool?
    /// Who asks, for the activity log ("admin" when absent).
    package var actor: String?

    package init(name: String, description: String? = nil, type: String, multiValued: Bool? = nil, mandatory: Bool? = nil, actor: String? = nil) {
        self.name = name
        self.description = description
        self.type = type
        self.multiValued = multiValued
        self.mandatory = mandatory
        self.actor = actor
    }
}

/// Changes a custom identity attribute's description or mandatory flag (its name, type and cardinality are
/// what stored identities were typed by, so they do not change: delete and re-add instead).
package struct IdentityAttributeUpdateRequest: Codable, Sendable, Hashable {
    package var description: String?
    package var mandatory: Bool?
    package var actor: String?

    package init(description: String? = nil, mandatory: Bool? = nil, actor: String? = nil) {
        self.description = description
        self.mandatory = mandatory
        self.actor = actor
    }
}

/// Maps an identity attribute from a SCIM path (PATCH-path grammar): `name.givenName`,
/// `emails[type eq "work"].value`, `urn:ietf:params:scim:schemas:extension:custom:2.0:User:costCenter`.
package struct AttributeMappingSetRequest: Codable, Sendable, Hashable {
    package var scimPath: String
    package var actor: String?

    package init(scimPath: String, actor: String? = nil) {
        self.scimPath = scimPath
        self.actor = actor
    }
}

/// An identity provider's mappings as the admin sees them: the mapped identity attributes with their SCIM
/// sources, and the tenant's attributes the IdP does not map.
package struct AttributeMappingsView: Codable, Sendable, Hashable {
    package struct Mapped: Codable, Sendable, Hashable {
        package var attribute: IdentityAttribute
        package var scimPath: String

        package init(attribute: IdentityAttribute, scimPath: String) {
            self.attribute = attribute
            self.scimPath = scimPath
        }
    }

    package var tenantID: String
    package var idpID: String
    package var providerType: String
    /// False while the IdP has its provider type's default mappings.
    package var customized: Bool
    package var mapped: [Mapped]
    package var unmapped: [IdentityAttribute]

    package init(tenantID: String, idpID: String, providerType: String, customized: Bool, mapped: [Mapped], unmapped: [IdentityAttribute]) {
        self.tenantID = tenantID
        self.idpID = idpID
        self.providerType = providerType
        self.customized = customized
        self.mapped = mapped
        self.unmapped = unmapped
    }
}

/// A background job re-applying an IdP's mappings to its existing users.
package struct ReapplyJob: Codable, Sendable, Hashable {
    package enum State: String, Codable, Sendable, Hashable {
        case pending, running, completed, failed
    }

    package var id: String
    package var tenantID: String
    package var idpID: String
    package var state: State
    /// The IdP's users when the job counted them (0 until then).
    package var total: Int
    /// Users whose identity was re-mapped and stored.
    package var done: Int
    /// Users the current mappings refuse (their identity is left as it was).
    package var failed: Int
    /// Why the job failed, or the first users it could not map.
    package var detail: String?
    package var actor: String
    package var createdAt: String
    package var updatedAt: String

    package init(
        id: String,
        tenantID: String,
        idpID: String,
        state: State,
        total: Int,
        done: Int,
        failed: Int,
        detail: String?,
        actor: String,
        createdAt: String,
        updatedAt: String
    ) {
        self.id = id
        self.tenantID = tenantID
        self.idpID = idpID
        self.state = state
        self.total = total
        self.done = done
        self.failed = failed
        self.detail = detail
        self.actor = actor
        self.createdAt = createdAt
        self.updatedAt = updatedAt
    }

    package var isFinished: Bool { state == .completed || state == .failed }
}

/// Starts a re-apply job.
package struct ReapplyJobRequest: Codable, Sendable, Hashable {
    package var actor: String?
    package init(actor: String? = nil) { self.actor = actor }
}

/// The typed identity attributes the directory stores for one user.
package struct UserIdentity: Codable, Sendable, Hashable {
    package var id: String
    package var identity: [String: JSONValue]

    package init(id: String, identity: [String: JSONValue]) {
        self.id = id
        self.identity = identity
    }
}

/// Replaces a user's stored identity attributes (a re-mapping): the SCIM resource and its version stay as they are.
package struct UserIdentityUpdate: Codable, Sendable, Hashable {
    package var identity: [String: JSONValue]
    package init(identity: [String: JSONValue]) { self.identity = identity }
}
