function ConvertTo-KmsPrintable {
    <#
    .SYNOPSIS
    Text from a file name or a record, fit to show in a prompt: control, line-separator and direction characters as \uXXXX.

    .DESCRIPTION
    A record may be named with an escape sequence or a line break; shown raw in
    a confirmation prompt or a -WhatIf line, it could recolour the terminal or
    make the prompt seem to name another record. kmsdb escapes such text in its
    own messages the same way.
    #>
    # A plain function, not an advanced one: it runs for every record, and binding an advanced function
    # costs about twice as much.
    [OutputType([string])]
    param(
        [AllowNull()]
        [AllowEmptyString()]
        [string] $Text
    )
    $unsafe = '[\u0000-\u001F\u007F-\u009F\u2028\u2029\u200E\u200F\u202A-\u202E\u2066-\u2069]'
    # Most text has nothing to escape, and a script block as a match evaluator costs milliseconds per call (a prompt per record).
    if (-not $Text -or $Text -notmatch $unsafe) { return [string]$Text }
    [regex]::Replace($Text, $unsafe, { param($m) '\u{0:X4}' -f [int][char]$m.Value })
}
