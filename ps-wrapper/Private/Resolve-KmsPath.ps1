function Resolve-KmsPath {
    <#
    .SYNOPSIS
    File-system paths for -Path (wildcards) or -LiteralPath; each path that cannot be used is a non-terminating error that says why.
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
        # Resolved where the caller stands, so that a PSDrive made in the caller's function is seen.
        $found = Resolve-KmsCallerPath -Cmdlet $Cmdlet -Path $item -Wildcard:(-not $Literal) -Test
        if (-not $found.Exists -or $found.Error) {
            # Test-Path says $false for "denied" and "unreachable" too: find out which.
            Write-KmsPathError -Cmdlet $Cmdlet -Path $item -Literal:$Literal
            continue
        }
        if ($found.Provider -ne 'FileSystem') {
            Write-KmsError -Cmdlet $Cmdlet -Message "'$item' is not a file-system path; KMS databases are folders on disk." -ErrorId 'KmsPathNotFileSystem' -Category 'InvalidArgument' -ExceptionType 'System.ArgumentException' -TargetObject $item
            continue
        }
        $found.Paths
    }
}
