function Test-KmsRealPath {
    <#
    .SYNOPSIS
    Whether a path bound from an input object is a real file-system path (kmsdb's, or a file's FullName), to be taken as it is rather than resolved as a PowerShell path.

    .DESCRIPTION
    A record, a reset's result or a file names itself by its real path. Read
    once more as a PowerShell path where the caller stands, its drive letter
    would be looked up among the caller's drives: a drive the caller's
    function made with that letter (New-PSDrive D -Root D:\Other) would send
    the change to D:\Other\Other\..., another folder than the one read. Only
    a full path bound from such an object counts; a string the admin typed is
    a PowerShell path.
    #>
    # A plain function, not an advanced one: it runs for every record.
    [OutputType([bool])]
    param(
        [AllowNull()]
        [object] $InputObject,

        [AllowEmptyString()]
        [string] $Path,

        # The property of the input object that -Path must be, to have come from it.
        [string] $Property = 'Path',

        # The object is known to name real paths (an audit-log line kmsdb wrote), whatever its type.
        [switch] $Logged
    )
    if (-not $Path -or (-not $Logged -and ($null -eq $InputObject -or $InputObject -is [string]))) { return $false }
    # A full path only: a relative one would be resolved against kmsdb's working folder, not the caller's location.
    if ([System.IO.Path]::DirectorySeparatorChar -eq '\') { $full = $Path -match '^([A-Za-z]:[\\/]|[\\/]{2})' } else { $full = $Path.StartsWith('/') }
    if (-not $full) { return $false }
    if ($Logged) { return $true }
    if ($InputObject -is [System.IO.FileSystemInfo]) { return $Path -ceq $InputObject.FullName }
    if ($null -eq $InputObject.PSObject.Properties[$Property] -or $Path -cne [string]$InputObject.$Property) { return $false }
    $names = $InputObject.PSObject.TypeNames
    foreach ($name in 'KmsEnrollment.Record', 'KmsEnrollment.ResetResult', 'KmsEnrollment.RestoreResult') {
        if ($names -contains $name -or $names -contains ('Deserialized.' + $name)) { return $true }
    }
    return $false
}
