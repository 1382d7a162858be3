function Invoke-KmsProbe {
    <#
    .SYNOPSIS
    Runs a script block that may catch exceptions, so that what it catches never reaches the caller's -ErrorVariable or $Error.

    .DESCRIPTION
    An exception caught by try/catch inside a module function is still added to the -ErrorVariable
    of every cmdlet above it, so a scheduled task's `-ErrorVariable refused; if ($refused) {...}`
    would fail on the module's own probing. A script block run through InvokeReturnAsIs records
    nothing there. $Error still gets what the block caught: those entries are taken out again, so
    that $Error holds what the cmdlets report, as compiled cmdlets leave it. The block returns the
    caught exception (or what it found) as a value.
    #>
    [CmdletBinding()]
    param(
        [Parameter(Mandatory)]
        [scriptblock] $ScriptBlock,

        [object[]] $ArgumentList = @()
    )
    # New entries go in at the front, and a full $Error drops its oldest: the newest entry before the
    # block marks where the block's own end.
    $newest = $null
    if ($global:Error.Count -gt 0) { $newest = $global:Error[0] }
    try {
        $ScriptBlock.InvokeReturnAsIs($ArgumentList)
    } finally {
        while ($global:Error.Count -gt 0 -and -not [object]::ReferenceEquals($global:Error[0], $newest)) { $global:Error.RemoveAt(0) }
    }
}
