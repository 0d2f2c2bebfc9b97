import Foundation
import HTTPTypes
import Hummingbird
import InternalAPI
import ScimCore
import ServiceKit

/// The HTTP side of SCIM shared by the resource routes: where a resource lives, versions in headers, and how the
/// directory is to render its answer for the client.
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

    func location(_ principal: ScimPrincipal, _ kind: ScimResourceType, _ id: String) -> String {
        gateway.scimBaseURL(tenantID: principal.tenantID, idpID: principal.idpID) + "/" + kind.endpoint + "/" + id
    }

    /// How the directory renders an answer for this client: its locations, and its query (the projection; for a
    /// list also the filter, order and page).
    func rendering(_ principal: ScimPrincipal, _ search: SearchRequest) -> ScimRendering {
        ScimRendering(baseURL: gateway.scimBaseURL(tenantID: principal.tenantID, idpID: principal.idpID), query: search)
    }

    /// The query of an answer whose body is not relayed (a 204, a Bulk result, a version check): only the `id`, the
    /// least the directory can render (a group's members are not even loaded).
    static let versionOnly = SearchRequest(attributes: ["id"])

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

    /// Refuses a projection the directory could not apply to the answer (`invalidPath`) before anything is done; the
    /// directory renders the answer with it.
    func checkProjection(_ search: SearchRequest, _ kind: ScimResourceType) throws {
        _ = try AttributeProjection(search, registry: .standard, resourceType: kind)
    }
}
