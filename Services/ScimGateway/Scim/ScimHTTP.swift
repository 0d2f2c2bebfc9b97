import Foundation
import HTTPTypes
import Hummingbird
import InternalAPI
import ScimCore
import ServiceKit

/// The HTTP side of SCIM shared by the resource routes: where a resource lives, versions in headers, and rendering
/// a stored resource for the client.
struct ScimHTTP: Sendable {
    let gateway: GatewayConfiguration

    /// Longest resource id accepted in a path: ids are issued here as UUIDs; 256 bytes leaves room for ids kept
    /// from an import.
    static let maximumIDLength = 256

    /// The `{id}` of a resource path. An id no resource can have — longer than `maximumIDLength` or holding a
    /// control character such as NUL (`%00`, which PostgreSQL text cannot hold) — is 404 here, before any store.
    func resourceID(_ context: ScimRequestContext) throws -> String {
        let id = try context.parameters.require("id")
        guard id.utf8.count <= Self.maximumIDLength, !id.utf8.contains(where: { $0 < 0x20 || $0 == 0x7F }) else {
            throw ScimError.notFound("No resource has this id: ids hold no control characters and are at most \(Self.maximumIDLength) bytes long.")
        }
        return id
    }

    func location(_ principal: ScimPrincipal, _ kind: ResourceKind, _ id: String) -> String {
        gateway.scimBaseURL(tenantID: principal.tenantID, idpID: principal.idpID) + "/" + kind.endpoint + "/" + id
    }

    /// The resource with `meta.location`, each member's `$ref`, and the client's projection applied.
    func render(_ stored: StoredResource, _ kind: ResourceKind, _ principal: ScimPrincipal, projection: AttributeProjection) -> JSONValue {
        ResourceRenderer(baseURL: gateway.scimBaseURL(tenantID: principal.tenantID, idpID: principal.idpID), projection: projection)
            .render(stored.resource, resourceType: kind.rawValue, id: stored.id)
    }

    /// How the directory renders a read for this client: its locations and the projection it asked for.
    func rendering(_ principal: ScimPrincipal, _ search: SearchRequest) -> ScimRendering {
        ScimRendering(
            baseURL: gateway.scimBaseURL(tenantID: principal.tenantID, idpID: principal.idpID), attributes: search.attributes,
            excludedAttributes: search.excludedAttributes)
    }

    /// A single-resource answer with `ETag` (and `Location` on create).
    func resourceResponse(
        _ stored: StoredResource, _ kind: ResourceKind, _ principal: ScimPrincipal, projection: AttributeProjection, status: HTTPResponse.Status = .ok
    ) -> Response {
        var headers: HTTPFields = [.eTag: ETag.weak(stored.version)]
        if status == .created { headers[.location] = location(principal, kind, stored.id) }
        return JSONCoding.scimResponse(render(stored, kind, principal, projection: projection), status: status, headers: headers)
    }

    /// The version an `If-Match` header requires; nil without one (or for `*`, which any existing resource matches).
    func ifMatch(_ request: Request) throws -> Int? {
        guard let value = request.headers[.ifMatch]?.trimmingSpaces(), value != "*" else { return nil }
        guard let version = ETag.version(from: value) else {
            throw ScimError.invalidVersion("If-Match '\(value)' is not an entity tag this server issued.")
        }
        return version
    }

    /// True when an `If-None-Match` header names the current version (the client's copy is fresh: 304). `*` alone
    /// does not: a GET answers 304 only for an entity tag the client holds, so that it always gets the `ETag` of a
    /// representation it has seen.
    func isNotModified(_ request: Request, version: Int) -> Bool {
        guard let value = request.headers[.ifNoneMatch] else { return false }
        return value.split(separator: ",").contains { ETag.version(from: $0.trimmingSpaces()) == version }
    }

    /// Whether a write's `If-None-Match` fails on a resource at `version` (RFC 9110 §13.1.2): `*` fails on any
    /// existing resource, a list of tags when one of them is current. nil when the request has no such header.
    func ifNoneMatchFails(_ request: Request, version: Int) -> Bool? {
        guard let value = request.headers[.ifNoneMatch] else { return nil }
        return value.split(separator: ",").contains { tag in
            let text = tag.trimmingSpaces()
            return text == "*" || ETag.version(from: text) == version
        }
    }

    func search(of request: Request) throws -> SearchRequest {
        try SearchRequest(rawQuery: request.uri.query)
    }

    func projection(_ search: SearchRequest, _ kind: ResourceKind) throws -> AttributeProjection {
        try AttributeProjection(search, registry: .standard, resourceType: kind.rawValue)
    }
}
