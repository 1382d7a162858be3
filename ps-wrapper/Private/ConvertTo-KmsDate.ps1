function ConvertTo-KmsDate {
    <#
    .SYNOPSIS
    An ISO 8601 time from kmsdb as a DateTime, in both editions.
    #>
    [CmdletBinding()]
    param([object] $Value)
    # Windows PowerShell leaves ISO dates as strings; PowerShell 7 has already made them DateTime.
    if ($Value -is [string]) {
        return [datetime]::Parse($Value, [System.Globalization.CultureInfo]::InvariantCulture, [System.Globalization.DateTimeStyles]::RoundtripKind)
    }
    return $Value
}
