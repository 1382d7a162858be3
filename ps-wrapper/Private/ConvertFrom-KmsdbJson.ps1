function ConvertFrom-KmsdbJson {
    <#
    .SYNOPSIS
    One line of kmsdb's output as an object, or $null when it is not JSON (a line cut off by a crash, say), leaving no error behind.
    #>
    [CmdletBinding()]
    param(
        [Parameter(Mandatory)]
        [string] $Line
    )
    Invoke-KmsProbe -ArgumentList @($Line) -ScriptBlock {
        param([string] $Text)
        try { ConvertFrom-Json -InputObject $Text -ErrorAction Stop } catch { $null = $_ }
    }
}
