import Foundation
import InternalAPI
import Logging
import ScimCore
import ScimPatch
import ServiceClients
import ServiceKit
import Synchronization

/// The schemas an identity provider's SCIM endpoint really serves: RFC 7643's, with the attributes its tenant's
/// mandatory identity attributes are mapped from marked required, and the custom attributes mapped from extension
/// URNs (Okta's `urn:ietf:params:scim:schemas:extension:custom:2.0:User`, Entra's `…:extension:<App>:2.0:User`)
/// published as extension schemas. Built from the mapping service's view and kept for `ttl`.
///
/// When a registry expires, one request fetches and builds the next while the others go on with the old one: every
/// filter needs it, and with 64 requests in flight an expiry used to send all of them to the mapping service and
/// build 64 registries at once, once every `ttl` (a stall the filter's p99 showed). If that fetch fails, the old
/// registry is served until a later request succeeds. A change made through this replica (``invalidate(tenantID:)``)
/// is never served stale.
final class TenantSchemas: Sendable {
    private struct Entry {
        var registry: SchemaRegistry
        var until: ContinuousClock.Instant
        var refreshing = false
    }

    private struct State {
        var entries: [String: Entry] = [:]
        /// Bumped by every invalidation, so that a fetch which started before one does not store what it read.
        var generation = 0
    }

    private enum Plan {
        case use(SchemaRegistry)
        case fetch(stale: SchemaRegistry?, generation: Int)
    }

    private let mapping: any MappingClient
    private let ttl: Duration
    private let state = Mutex(State())

    init(mapping: any MappingClient, ttl: Duration = .seconds(30)) {
        self.mapping = mapping
        self.ttl = ttl
    }

    func registry(for principal: ScimPrincipal, logger: Logger) async throws -> SchemaRegistry {
        let key = principal.tenantID + "/" + principal.idpID
        let now = ContinuousClock.now
        let plan = state.withLock { state -> Plan in
            guard var entry = state.entries[key] else { return .fetch(stale: nil, generation: state.generation) }
            if entry.until > now || entry.refreshing { return .use(entry.registry) }
            entry.refreshing = true
            state.entries[key] = entry
            return .fetch(stale: entry.registry, generation: state.generation)
        }
        switch plan {
        case .use(let registry):
            return registry
        case .fetch(let stale, let generation):
            do {
                let registry = Self.registry(from: try await mapping.identitySchema(tenantID: principal.tenantID, idpID: principal.idpID, logger: logger))
                state.withLock { state in
                    guard state.generation == generation else { return }
                    state.entries[key] = Entry(registry: registry, until: ContinuousClock.now.advanced(by: ttl))
                }
                return registry
            } catch {
                guard let stale else { throw error }
                state.withLock { $0.entries[key]?.refreshing = false }
                logger.warning("Serving the identity provider's schemas built before: refreshing them failed", metadata: ["error": "\(error)"])
                return stale
            }
        }
    }

    /// Forgets what this replica built for a tenant, after its attributes or mappings changed here; other replicas
    /// pick the change up within `ttl`.
    func invalidate(tenantID: String) {
        state.withLock { state in
            state.generation += 1
            state.entries = state.entries.filter { !$0.key.hasPrefix(tenantID + "/") }
        }
    }

    static func registry(from schema: IdentitySchema, base: SchemaRegistry = .standard) -> SchemaRegistry {
        var registry = base
        var extensions: [String: [AttributeDefinition]] = [:]
        var extensionOrder: [String] = []
        for attribute in schema.attributes {
            guard let text = attribute.scimPath, let path = try? PatchPath(parsing: text) else { continue }
            if let urn = path.attribute.schemaURN, base.schema(id: urn) == nil {
                if extensions[urn] == nil { extensionOrder.append(urn) }
                extensions[urn, default: []].append(
                    AttributeDefinition(
                        name: path.attribute.attribute, type: scimType(of: attribute.type), multiValued: attribute.multiValued,
                        required: attribute.mandatory, description: attribute.description.isEmpty ? attribute.name : attribute.description))
            } else if attribute.mandatory {
                let target = AttributePath(schemaURN: path.attribute.schemaURN, attribute: path.attribute.attribute, subAttribute: path.targetSubAttribute)
                registry = registry.requiring(target, resourceType: "User")
            }
        }
        for urn in extensionOrder {
            let name = urn.split(separator: ":").dropLast().last.map(String.init) ?? "Custom"
            let definition = SchemaDefinition(
                id: urn, name: "\(name) extension", description: "Custom attributes of the tenant's identity providers.", attributes: extensions[urn] ?? [])
            registry = registry.adding(extension: definition, to: "User", required: false)
        }
        return registry
    }

    private static func scimType(of identityType: String) -> AttributeType {
        switch identityType {
        case "number": .decimal
        case "boolean": .boolean
        case "date": .dateTime
        default: .string
        }
    }
}
