function ConvertTo-KmsDate {
    <#
    .SYNOPSIS
    An ISO 8601 time from kmsdb as a UTC DateTime, in both editions; null stays null.
    #>
    [CmdletBinding()]
    param([object] $Value)
    if ($null -eq $Value -or ($Value -is [string] -and $Value -eq '')) { return $null }
    # Windows PowerShell leaves ISO dates as strings; PowerShell 7 has already made them DateTime, of a Kind that depends on the version.
    if ($Value -is [string]) {
        $Value = [datetime]::Parse($Value, [System.Globalization.CultureInfo]::InvariantCulture, [System.Globalization.DateTimeStyles]'AdjustToUniversal, AssumeUniversal')
    }
    if ($Value -is [System.DateTimeOffset]) { return $Value.UtcDateTime }
    $time = [datetime]$Value
    if ($time.Kind -eq [System.DateTimeKind]::Local) { return $time.ToUniversalTime() }
    # kmsdb writes UTC times (…Z): an unspecified Kind is UTC.
    return [datetime]::SpecifyKind($time, [System.DateTimeKind]::Utc)
}
