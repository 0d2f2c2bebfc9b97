import ScimCore
import ScimFilter

/// Applies SCIM PATCH requests (RFC 7644 §3.5.2) to a resource held as JSON, guided by the schema registry.
///
/// The engine is a pure function of its inputs: it never sees storage. The resource it receives is
/// canonicalized (schema spelling, extensions under their URN) and, for groups, has no `members`; every
/// operation on `members` is handed back as a ``MembershipChange`` instead (see ``PatchResult``).
///
/// Beyond the RFC it absorbs the identity-provider behaviour recorded in IDP-WIRE §2: string booleans, dotted
/// and URN keys in path-less values, filtered paths that create their element, Entra's bare-string manager,
/// Okta's `id` echoed in a path-less replace, and Entra's `remove members` with a value.
package struct PatchEngine: Sendable {
    package let registry: SchemaRegistry
    package let resourceType: ScimResourceType

    package init(registry: SchemaRegistry, resourceType: ScimResourceType) {
        self.registry = registry
        self.resourceType = resourceType
    }

    package func apply(_ request: PatchRequest, to resource: JSONValue) throws(ScimError) -> PatchResult {
        guard case .object(let members) = resource else {
            throw ScimError.internalError("The resource to patch is not a JSON object.")
        }
        var session = PatchSession(engine: self, root: members)
        for operation in request.operations {
            try session.apply(operation)
        }
        session.reconcileSchemas()
        let patched = JSONValue.object(session.root)
        return PatchResult(
            resource: patched,
            membershipChanges: session.membershipChanges,
            changed: patched != resource || !session.membershipChanges.isEmpty
        )
    }

    /// The core schema of this resource type, whose attributes live at the top level of the resource.
    var coreSchemaURN: String? { registry.resourceType(id: resourceType.name)?.schema }

    var isGroup: Bool { resourceType == .group }

    func isCoreSchema(_ urn: String) -> Bool {
        coreSchemaURN?.caseInsensitiveEquals(urn) ?? false
    }
}

/// Where an operation lands in the resource.
struct PatchTarget: Sendable {
    enum Container: Sendable, Hashable {
        /// Top level of the resource.
        case core
        /// The object under an extension schema URN (the URN is the key spelling to use).
        case `extension`(String)
    }

    var container: Container
    /// The attribute's definition; `nil` for an attribute of a schema nobody has registered (kept as given).
    var spec: AttributeSpec?
    /// The member name in the container (schema spelling when known).
    var name: String
    /// The attribute as the filter evaluator needs it (no sub-attribute).
    var attributePath: AttributePath
    var filter: FilterExpression?
    /// The sub-attribute the path ends in, if any; `subSpec` is its definition when known.
    var subName: String?
    var subSpec: AttributeSpec?
    /// A readable rendering of the path for error details.
    var display: String
}
