import ScimCore

/// Checks a parsed filter against the schema before it is evaluated or translated (parse → validate → translate).
///
/// Rejected with `invalidFilter`: attributes not in the resource type's schemas (registered custom extensions count),
/// attributes that are never returned (`password`), value filters on non-complex attributes, nested value filters,
/// `co`/`sw`/`ew` on non-strings, `gt`/`ge`/`lt`/`le` on booleans and binaries, and values whose JSON type does not
/// match the attribute (`active eq 1`, `meta.created gt "yesterday"`). Booleans given as `"true"`/`"false"` strings are
/// accepted (Entra). The gateway must validate so that a filter it cannot honour is a 400, never unfiltered data.
package struct FilterValidator: Sendable {
    package let registry: SchemaRegistry
    package let resourceType: ScimResourceType

    package init(registry: SchemaRegistry, resourceType: ScimResourceType) {
        self.registry = registry
        self.resourceType = resourceType
    }

    package func validate(_ filter: FilterExpression) throws(ScimError) {
        guard registry.resourceType(id: resourceType.name) != nil else {
            throw .invalidFilter("Unknown resource type '\(resourceType.name)'.")
        }
        try validate(filter, scope: .resource)
    }

    /// Validates a filter whose paths are relative to an element of `attribute` (PATCH `emails[type eq "work"]`).
    package func validate(_ filter: FilterExpression, elementOf attribute: AttributePath) throws(ScimError) {
        let parent = try registry.valuePathParent(attribute, resourceType: resourceType.name).get()
        try validate(filter, scope: .element(of: parent))
    }

    private func validate(_ filter: FilterExpression, scope: FilterScope) throws(ScimError) {
        switch filter {
        case .compare(let path, let op, let value):
            let target = try registry.filterTarget(path, op: op, resourceType: resourceType.name, scope: scope).get()
            try FilterValueRules.check(path, op, value, leaf: target.leaf)
        case .logical(_, let operands):
            for operand in operands { try validate(operand, scope: scope) }
        case .not(let inner):
            try validate(inner, scope: scope)
        case .valuePath(let path, let inner):
            guard case .resource = scope else {
                throw .invalidFilter("Nested value filter '\(path)[…]' is not allowed.")
            }
            let parent = try registry.valuePathParent(path, resourceType: resourceType.name).get()
            try validate(inner, scope: .element(of: parent))
        }
    }
}
