function Resolve-KmsPath {
    <#
    .SYNOPSIS
    File-system paths for -Path (wildcards) or -LiteralPath; each path that is missing or not on the file system is a non-terminating error.
    #>
    [CmdletBinding()]
    [OutputType([string])]
    param(
        [Parameter(Mandatory)]
        [AllowEmptyCollection()]
        [string[]] $Path,

        [switch] $Literal,

        [Parameter(Mandatory)]
        [System.Management.Automation.PSCmdlet] $Cmdlet
    )
    foreach ($item in $Path) {
        # Tested first rather than caught: a caught exception would still reach the caller's -ErrorVariable.
        if ($Literal) { $exists = Test-Path -LiteralPath $item } else { $exists = Test-Path -Path $item }
        if (-not $exists) {
            $exception = New-Object System.Management.Automation.ItemNotFoundException ("Cannot find path '$item' because it does not exist.")
            $Cmdlet.WriteError((New-Object System.Management.Automation.ErrorRecord ($exception, 'KmsPathNotFound', 'ObjectNotFound', $item)))
            continue
        }
        $provider = $null
        if ($Literal) {
            $drive = $null
            $resolved = @($Cmdlet.SessionState.Path.GetUnresolvedProviderPathFromPSPath($item, [ref]$provider, [ref]$drive))
        } else {
            $resolved = @($Cmdlet.SessionState.Path.GetResolvedProviderPathFromPSPath($item, [ref]$provider))
        }
        if ($provider.Name -ne 'FileSystem') {
            $exception = New-Object System.ArgumentException ("'$item' is not a file-system path; KMS databases are folders on disk.")
            $Cmdlet.WriteError((New-Object System.Management.Automation.ErrorRecord ($exception, 'KmsPathNotFileSystem', 'InvalidArgument', $item)))
            continue
        }
        $resolved
    }
}
