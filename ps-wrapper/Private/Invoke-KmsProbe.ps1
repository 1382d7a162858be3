function Invoke-KmsProbe {
    <#
    .SYNOPSIS
    Runs a script block that may catch exceptions, so that what it catches never reaches the caller's -ErrorVariable or $Error.

    .DESCRIPTION
    An exception caught by try/catch inside a module function is still added to the -ErrorVariable
    of every cmdlet above it, so a scheduled task's `-ErrorVariable refused; if ($refused) {...}`
    would fail on the module's own probing. A script block run through InvokeReturnAsIs records
    nothing there. The block returns the caught exception (or what it found) as a value.
    #>
    [CmdletBinding()]
    param(
        [Parameter(Mandatory)]
        [scriptblock] $ScriptBlock,

        [object[]] $ArgumentList = @()
    )
    $ScriptBlock.InvokeReturnAsIs($ArgumentList)
}
