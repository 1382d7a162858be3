function ConvertTo-KmsDate {
    <#
    .SYNOPSIS
    An ISO 8601 time from kmsdb or its log as a UTC DateTime, in both editions; null, or what is not a time, is null.
    #>
    [CmdletBinding()]
    param([object] $Value)
    if ($null -eq $Value -or ($Value -is [string] -and $Value -eq '')) { return $null }
    # Windows PowerShell leaves ISO dates as strings; PowerShell 7 has already made them DateTime, of a Kind that depends on the version.
    if ($Value -is [string]) {
        # TryParse, not a caught Parse: an exception caught here would still reach the caller's -ErrorVariable.
        $parsed = [datetime]::MinValue
        if (-not [datetime]::TryParse($Value, [System.Globalization.CultureInfo]::InvariantCulture, [System.Globalization.DateTimeStyles]'AdjustToUniversal, AssumeUniversal', [ref]$parsed)) { return $null }
        $Value = $parsed
    }
    if ($Value -isnot [datetime] -and $Value -isnot [System.DateTimeOffset]) { return $null }
    if ($Value -is [System.DateTimeOffset]) { return $Value.UtcDateTime }
    $time = [datetime]$Value
    if ($time.Kind -eq [System.DateTimeKind]::Local) { return $time.ToUniversalTime() }
    # kmsdb writes UTC times (ending in Z): an unspecified Kind is UTC.
    return [datetime]::SpecifyKind($time, [System.DateTimeKind]::Utc)
}
