// Fuzz target "redact": ProvisioningRedaction (what the provisioning log keeps of a request body or an error answer)
// and ProvisioningClassifier. Properties checked besides "no crash":
// - the kept text is at most 8 KB and never holds anything that looks like a credential;
// - when it was not cut, it is JSON again, and every sensitive attribute in it holds "[redacted]";
// - a body that is not JSON is kept as its size only.
import Foundation
import ProvisioningLog
import ScimCore

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzz(_ start: UnsafeRawPointer, _ count: Int) -> CInt {
    let bytes = Fuzz.bytes(start, count)
    guard let value = try? JSONReader.parse(bytes) else {
        let kept = ProvisioningRedaction.placeholder(notJSONBytes: bytes.count)
        Fuzz.check(kept == "[not JSON, \(bytes.count) bytes]", "placeholder: \(kept)")
        return 0
    }
    let kept = ProvisioningRedaction.redact(value)
    Fuzz.check(kept.utf8.count <= ProvisioningRedaction.maximumBytes, "kept \(kept.utf8.count) bytes")
    Fuzz.check(!CredentialPattern.containsCredential(kept), "a credential survived: \(kept)")
    if !kept.hasSuffix(ProvisioningRedaction.truncationMarker) {
        guard let reread = try? JSONReader.parse(kept) else {
            Fuzz.check(false, "uncut redaction is not JSON: \(kept)")
            return 0
        }
        checkRedacted(reread, depth: 0)
    }
    for method in ["POST", "PUT", "PATCH", "DELETE"] {
        for type in ["User", "Group"] {
            _ = ProvisioningClassifier.classify(method: method, resourceType: type, body: value, changedAttributes: ["active"])
        }
    }
    return 0
}

private func checkRedacted(_ value: JSONValue, depth: Int) {
    guard depth < 80 else { return }
    switch value {
    case .object(let members):
        for (key, member) in members {
            if ProvisioningRedaction.isSensitive(name: key) {
                Fuzz.check(member == .string(ProvisioningRedaction.redacted), "sensitive '\(key)' kept \(member)")
            } else {
                checkRedacted(member, depth: depth + 1)
            }
        }
    case .array(let elements):
        for element in elements { checkRedacted(element, depth: depth + 1) }
    default:
        break
    }
}
