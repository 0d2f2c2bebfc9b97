// Fuzz target "patch": a PATCH body (JSON bytes) → JSONReader → PatchRequest(json:) → PatchEngine.apply to the sample
// User (standard registry plus a tenant extension) and to the sample Group (as the engine receives it: canonical,
// without members). Input that is not JSON is parsed as a PATCH `path` instead (PatchPath(parsing:)), so the path
// grammar is fuzzed on its own too. Properties checked besides "no crash":
// - every failure is a 4xx ScimError (a 500 here would be a server error on client input);
// - a Group never comes back with `members` in its JSON: membership goes to `membershipChanges` only;
// - the patched resource survives a JSONWriter → JSONReader round trip unchanged.
import Foundation
import ScimCore
import ScimFilter
import ScimPatch

private let userEngine = PatchEngine(registry: Fuzz.tenant, resourceType: .user)
private let groupEngine = PatchEngine(registry: Fuzz.standard, resourceType: .group)
private let canonicalUser = Fuzz.tenant.canonicalize(Fuzz.user, resourceType: "User")

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzz(_ start: UnsafeRawPointer, _ count: Int) -> CInt {
    let body: JSONValue
    do {
        body = try JSONReader.parse(Fuzz.bytes(start, count))
    } catch {
        do {
            _ = try PatchPath(parsing: Fuzz.text(start, count))
        } catch {
            Fuzz.check(error.status == 400, "PatchPath failed with \(error.status): \(error.detail)")
        }
        return 0
    }
    let request: PatchRequest
    do {
        request = try PatchRequest(json: body)
    } catch {
        Fuzz.check(error.status == 400, "PatchRequest failed with \(error.status): \(error.detail)")
        return 0
    }
    apply(request, engine: userEngine, to: canonicalUser, isGroup: false)
    apply(request, engine: groupEngine, to: Fuzz.groupWithoutMembers, isGroup: true)
    return 0
}

private func apply(_ request: PatchRequest, engine: PatchEngine, to resource: JSONValue, isGroup: Bool) {
    let result: PatchResult
    do {
        result = try engine.apply(request, to: resource)
    } catch {
        Fuzz.check((400..<500).contains(error.status), "\(engine.resourceType) PATCH failed with \(error.status): \(error.detail)")
        return
    }
    guard case .object(let members) = result.resource else {
        Fuzz.check(false, "\(engine.resourceType) PATCH result is not an object")
        return
    }
    if isGroup {
        Fuzz.check(
            !members.keys.contains { $0.caseInsensitiveEquals("members") },
            "Group PATCH result holds members in its JSON: \(result.resource.encodedString())"
        )
    }
    Fuzz.checkRoundTrip(result.resource, "\(engine.resourceType) PATCH result")
}
