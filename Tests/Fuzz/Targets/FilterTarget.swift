// Fuzz target "filter": FilterParser.parse → FilterValidator → SQLTranslator (SQLite and PostgreSQL, every column
// map the directory uses) → FilterEvaluator on the sample User and Group, as a `GET /Users?filter=` and a PATCH
// value filter take them. Properties checked besides "no crash":
// - the printed filter parses back to an equal expression (FilterExpression.description's contract);
// - a translation succeeds only for a filter the validator accepts (translate validates first);
// - the SQL has as many `?` placeholders as bound values, and balanced quotes: values are never spliced into SQL.
//
// Amplified inputs: an input starting with byte 0xFF (never in UTF-8 text) is `0xFF n head 0x00 piece 0x00 tail`,
// and the filter is `head + piece × (64 << (n % 9)) + tail` (64 to 16,384 times; at most 1 MiB): a few bytes become a chain of thousands
// of terms (`userName pr` + ` or title pr` × 16,384), which is how a hostile filter exhausts the stack or the CPU, and
// which the fuzzer would otherwise never grow to within -max_len.
import Foundation
import ScimCore
import ScimFilter

private let columnMaps: [(resourceType: ScimResourceType, columns: any ColumnMap)] = [
    (.user, UserColumnMap()), (.group, GroupColumnMap()), (.group, GroupColumnMap(membersInJSON: true)),
]

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzz(_ start: UnsafeRawPointer, _ count: Int) -> CInt {
    let text = amplified(Fuzz.bytes(start, count)) ?? Fuzz.text(start, count)
    let expression: FilterExpression
    do {
        expression = try FilterParser.parse(text)
    } catch {
        Fuzz.check(error.scimType == .invalidFilter, "parse error is not invalidFilter: \(error)")
        return 0
    }

    // The printed form can be longer than the text read (control characters print as `\u0001`, `1e15` as sixteen
    // digits, Entra's `a[b].c eq x` as `a[b and c eq x]`), so it parses back only while within the length limit.
    let printed = expression.description
    if printed.utf8.count <= FilterParser.maximumLength {
        do {
            let again = try FilterParser.parse(printed)
            Fuzz.check(again == expression, "parse(description) differs: \(printed)")
        } catch {
            Fuzz.check(false, "the printed filter does not parse: \(printed): \(error.detail)")
        }
    }

    for registry in [Fuzz.standard, Fuzz.tenant] {
        for (resourceType, columns) in columnMaps {
            let valid = (try? FilterValidator(registry: registry, resourceType: resourceType).validate(expression)) != nil
            for dialect in [SQLDialect.sqlite, .postgres] {
                let translator = SQLTranslator(registry: registry, resourceType: resourceType, columns: columns, dialect: dialect)
                guard let fragment = try? translator.translate(expression) else { continue }
                Fuzz.check(valid, "translated a filter the validator refuses: \(text)")
                checkSQL(fragment, dialect: dialect, filter: text)
            }
        }
        let users = FilterEvaluator(registry: registry, resourceType: .user)
        _ = users.matches(expression, resource: Fuzz.user)
        _ = FilterEvaluator(registry: registry, resourceType: .group).matches(expression, resource: Fuzz.group)
        // A PATCH value filter (`emails[…]`, `members[…]`): paths relative to one element.
        let emails = AttributePath(attribute: "emails")
        if (try? FilterValidator(registry: registry, resourceType: .user).validate(expression, elementOf: emails)) != nil,
            case .array(let elements)? = Fuzz.user.objectValue?["emails"]
        {
            for element in elements { _ = users.matches(expression, element: element, of: emails) }
        }
    }
    let members = AttributePath(attribute: "members")
    if (try? FilterValidator(registry: Fuzz.standard, resourceType: .group).validate(expression, elementOf: members)) != nil,
        case .array(let elements)? = Fuzz.group.objectValue?["members"]
    {
        let groups = FilterEvaluator(registry: Fuzz.standard, resourceType: .group)
        for element in elements { _ = groups.matches(expression, element: element, of: members) }
    }
    return 0
}

private func checkSQL(_ fragment: SQLFragment, dialect: SQLDialect, filter: String) {
    let placeholders = fragment.parts.reduce(0) { count, part in
        if case .bind = part { count + 1 } else { count }
    }
    Fuzz.check(
        placeholders == fragment.binds.count,
        "\(dialect): \(placeholders) placeholders for \(fragment.binds.count) binds in \(fragment.sql) (filter \(filter))"
    )
    var single = false
    var double = false
    for byte in fragment.sql.utf8 {
        if byte == UInt8(ascii: "'"), !double { single.toggle() }
        if byte == UInt8(ascii: "\""), !single { double.toggle() }
    }
    Fuzz.check(!single && !double, "\(dialect): unbalanced quotes in \(fragment.sql) (filter \(filter))")
    if dialect == .postgres { _ = fragment.numberedPlaceholders() }
}

private func amplified(_ bytes: UnsafeBufferPointer<UInt8>) -> String? {
    guard bytes.count >= 2, bytes[0] == 0xFF else { return nil }
    let parts = bytes[2...].split(separator: 0, maxSplits: 2, omittingEmptySubsequences: false)
    guard parts.count == 3, !parts[1].isEmpty else { return nil }
    let repetitions = min(64 << (Int(bytes[1]) % 9), (1 << 20) / parts[1].count)
    var utf8: [UInt8] = Array(parts[0])
    utf8.reserveCapacity(parts[0].count + parts[1].count * repetitions + parts[2].count)
    for _ in 0..<repetitions { utf8.append(contentsOf: parts[1]) }
    utf8.append(contentsOf: parts[2])
    return String(decoding: utf8, as: UTF8.self)
}
