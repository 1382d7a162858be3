function Resolve-KmsCallerPath {
    <#
    .SYNOPSIS
    Resolves a path as the caller sees it: its location, and every PSDrive it sees, a drive made inside the caller's function included.

    .DESCRIPTION
    $PSCmdlet.SessionState gives the caller's variables and location, but its
    path methods, and Test-Path run here, look drives up in the module's own
    scopes: a New-PSDrive made in the caller's function without -Scope (the
    usual way to reach a share with other credentials) is "not found" there,
    though Get-ChildItem sees it in that function. A script block bound to the
    caller's session state sees what the caller sees.

    Returns Paths (the file-system paths; with -Wildcard, the items that
    match), Provider (its name), Exists (with -Test) and Error (what stopped
    the resolution); it never throws, and what it catches stays out of the
    caller's -ErrorVariable.
    #>
    [CmdletBinding()]
    [OutputType([PSCustomObject])]
    param(
        [Parameter(Mandatory)]
        [System.Management.Automation.PSCmdlet] $Cmdlet,

        [Parameter(Mandatory)]
        [AllowEmptyString()]
        [string] $Path,

        # Wildcards are expanded to the items that match; else the path is taken literally and need not exist.
        [switch] $Wildcard,

        # Also say whether the item exists (Test-Path, or Test-Path -LiteralPath).
        [switch] $Test
    )
    # [scriptblock]::Create binds to no session state (PowerShell caches its parse), so the block it
    # returns, made by running it in the caller's session state, is bound to the caller's.
    $factory = [scriptblock]::Create(@'
{
    param([string] $Path, [bool] $Wildcard, [bool] $Test)
    # Only the caller's drives and location count here: its own Test-Path (a function, an alias) and its
    # default parameter values would answer another question than the module asks.
    $PSDefaultParameterValues = @{}
    $found = [PSCustomObject]@{ Paths = @(); Provider = $null; Exists = $false; Error = $null }
    try {
        if ($Test) {
            if ($Wildcard) { $found.Exists = Microsoft.PowerShell.Management\Test-Path -Path $Path } else { $found.Exists = Microsoft.PowerShell.Management\Test-Path -LiteralPath $Path }
        }
        $provider = $null
        if ($Wildcard) {
            if ($found.Exists -or -not $Test) { $found.Paths = @($ExecutionContext.SessionState.Path.GetResolvedProviderPathFromPSPath($Path, [ref]$provider)) }
        } else {
            $drive = $null
            $found.Paths = @($ExecutionContext.SessionState.Path.GetUnresolvedProviderPathFromPSPath($Path, [ref]$provider, [ref]$drive))
        }
        if ($provider) { $found.Provider = $provider.Name }
    } catch {
        $found.Error = $_.Exception
    }
    $found
}
'@)
    $bound = $Cmdlet.SessionState.InvokeCommand.InvokeScript($Cmdlet.SessionState, $factory, @())[0]
    $bound.InvokeReturnAsIs(@($Path, [bool]$Wildcard, [bool]$Test))
}
