function Write-KmsPathError {
    <#
    .SYNOPSIS
    Writes why a path that Test-Path did not find cannot be used: missing, access denied, or unreachable (with the OS's words).
    #>
    [CmdletBinding()]
    param(
        [Parameter(Mandatory)]
        [System.Management.Automation.PSCmdlet] $Cmdlet,

        [Parameter(Mandatory)]
        [string] $Path,

        [switch] $Literal
    )
    $problem = $null
    if ($Literal -or -not [System.Management.Automation.WildcardPattern]::ContainsWildcardCharacters($Path)) {
        $found = Resolve-KmsCallerPath -Cmdlet $Cmdlet -Path $Path
        $problem = $found.Error
        if (-not $problem) {
            $problem = Invoke-KmsProbe -ArgumentList @($found.Paths[0]) -ScriptBlock {
                param([string] $Full)
                try { $null = [System.IO.File]::GetAttributes($Full); $null } catch { $_.Exception }
            }
        }
        while ($problem -is [System.Management.Automation.MethodInvocationException] -and $problem.InnerException) { $problem = $problem.InnerException }
    }
    $unc = $Path -match '^(\\\\|//)[^\\/?.]'
    # In a remote session, a UNC path is a second hop: the session's credentials do not travel on without delegation.
    $hop = ''
    if ($unc -and (Test-Path -Path 'variable:PSSenderInfo') -and $PSSenderInfo) {
        $hop = ' From a remote session, a UNC path needs your credentials to travel a second hop: use CredSSP or Kerberos delegation, or give the path as it is on the server that holds it.'
    }
    if ($problem -is [System.UnauthorizedAccessException]) {
        Write-KmsError -Cmdlet $Cmdlet -ErrorId 'KmsPathAccessDenied' -Category 'PermissionDenied' -ExceptionType 'System.UnauthorizedAccessException' -TargetObject $Path `
            -Message "Access to '$Path' is denied.$hop" -RecommendedAction 'Run PowerShell as Administrator (elevated), or as an account that can read the KMS database.'
    } elseif ($problem -is [System.IO.IOException] -and $problem -isnot [System.IO.FileNotFoundException] -and $problem -isnot [System.IO.DirectoryNotFoundException]) {
        Write-KmsError -Cmdlet $Cmdlet -ErrorId 'KmsPathUnavailable' -Category 'ReadError' -ExceptionType 'System.IO.IOException' -TargetObject $Path `
            -Message ("Cannot reach '{0}': {1}{2}" -f $Path, $problem.Message.Trim(), $hop)
    } else {
        Write-KmsError -Cmdlet $Cmdlet -ErrorId 'KmsPathNotFound' -Category 'ObjectNotFound' -TargetObject $Path `
            -Exception (New-KmsItemNotFoundException -Path $Path -ErrorId 'KmsPathNotFound') -Message "Cannot find path '$Path' because it does not exist."
    }
}
