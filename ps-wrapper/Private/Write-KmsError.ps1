function Write-KmsError {
    <#
    .SYNOPSIS
    Writes (or, with -Terminating, throws) an error of the calling cmdlet: a real exception, a stable ErrorId, a specific category and the target.

    .DESCRIPTION
    Every error the module reports goes through here, so each call site is one line and every error
    carries what -ErrorAction, -ErrorVariable and $Error users rely on.
    #>
    [CmdletBinding()]
    param(
        [Parameter(Mandatory)]
        [System.Management.Automation.PSCmdlet] $Cmdlet,

        [Parameter(Mandatory)]
        [string] $Message,

        [Parameter(Mandatory)]
        [string] $ErrorId,

        [Parameter(Mandatory)]
        [System.Management.Automation.ErrorCategory] $Category,

        [AllowNull()]
        [object] $TargetObject,

        # The .NET exception type that callers can catch.
        [string] $ExceptionType = 'System.InvalidOperationException',

        # An exception made already, instead of one of -ExceptionType with -Message.
        [System.Exception] $Exception,

        [string] $RecommendedAction,

        [switch] $Terminating
    )
    $exception = $Exception
    if (-not $exception) { $exception = New-Object -TypeName $ExceptionType -ArgumentList $Message }
    $record = New-Object System.Management.Automation.ErrorRecord ($exception, $ErrorId, $Category, $TargetObject)
    if ($RecommendedAction) {
        $record.ErrorDetails = New-Object System.Management.Automation.ErrorDetails ($Message)
        $record.ErrorDetails.RecommendedAction = $RecommendedAction
    }
    if ($Terminating) { $Cmdlet.ThrowTerminatingError($record) }
    $Cmdlet.WriteError($record)
}
