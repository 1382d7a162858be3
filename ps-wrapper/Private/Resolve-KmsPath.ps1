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
        $provider = $null
        $resolved = @()
        try {
            if ($Literal) {
                $drive = $null
                $resolved = @($Cmdlet.SessionState.Path.GetUnresolvedProviderPathFromPSPath($item, [ref]$provider, [ref]$drive))
                if (-not (Test-Path -LiteralPath $resolved[0])) {
                    throw (New-Object System.Management.Automation.ItemNotFoundException ("Cannot find path '$item' because it does not exist."))
                }
            } else {
                $resolved = @($Cmdlet.SessionState.Path.GetResolvedProviderPathFromPSPath($item, [ref]$provider))
            }
        } catch [System.Management.Automation.ItemNotFoundException] {
            $Cmdlet.WriteError((New-Object System.Management.Automation.ErrorRecord ($_.Exception, 'KmsPathNotFound', 'ObjectNotFound', $item)))
            continue
        }
        if ($provider.Name -ne 'FileSystem') {
            $exception = New-Object System.ArgumentException ("'$item' is not a file-system path; KMS databases are folders on disk.")
            $Cmdlet.WriteError((New-Object System.Management.Automation.ErrorRecord ($exception, 'KmsPathNotFileSystem', 'InvalidArgument', $item)))
            continue
        }
        $resolved
    }
}
