function Initialize-KmsChangeQueue {
    <#
    .SYNOPSIS
    The pending work of one Reset-KmsEnrollment or Restore-KmsEnrollment call: confirmed records in batches, per database folder here and per origin elsewhere.

    .DESCRIPTION
    The options both cmdlets share are taken from the caller's bound
    parameters here, once: -LockTimeout, -LogPath (resolved against the
    caller's location for kmsdb, passed as given to other servers),
    -Credential and -ConfigurationName. What only one command has comes in
    -Request (kmsdb's request options) and -RemoteParameters (the same for
    the cmdlet on other servers).
    #>
    [CmdletBinding()]
    [OutputType([hashtable])]
    param(
        [Parameter(Mandatory)]
        [ValidateSet('reset', 'restore')]
        [string] $Command,

        [Parameter(Mandatory)]
        [System.Management.Automation.PSCmdlet] $Cmdlet,

        [System.Collections.IDictionary] $Request = [ordered]@{},

        [hashtable] $RemoteParameters = @{},

        [Parameter(Mandatory)]
        [int] $BatchSize,

        [Parameter(Mandatory)]
        [int] $ThrottleLimit
    )
    # A run that a stopped pipeline left: it finishes the changes it was answered, and nothing more.
    foreach ($left in @($script:KmsdbRuns)) { Close-KmsdbRun -Run $left }
    $bound = $Cmdlet.MyInvocation.BoundParameters
    $options = @{
        Command          = $Command
        # The cmdlet that runs this command on other servers, and the objects it emits.
        CmdletName       = @{ reset = 'Reset-KmsEnrollment'; restore = 'Restore-KmsEnrollment' }[$Command]
        ResultType       = @{ reset = 'KmsEnrollment.ResetResult'; restore = 'KmsEnrollment.RestoreResult' }[$Command]
        Request          = $Request
        RemoteParameters = $RemoteParameters
        BatchSize        = $BatchSize
        ThrottleLimit    = $ThrottleLimit
        # Another computer asks what would change here (Get-KmsChangePlan): kmsdb only plans, and the plan is the output.
        PlanOnly         = [bool]$script:KmsPlanOnly
    }
    if ($bound.ContainsKey('LockTimeout')) { $Request['wait'] = $bound['LockTimeout']; $RemoteParameters['LockTimeout'] = $bound['LockTimeout'] }
    if ($bound['LogPath']) {
        $Request['log'] = Resolve-KmsOutputPath -Cmdlet $Cmdlet -Path $bound['LogPath'] -Parameter 'LogPath'
        $RemoteParameters['LogPath'] = $bound['LogPath']
    }
    # A running KMS service refuses the change, unless the admin has said to go ahead.
    $options['AllowServiceRunning'] = [bool]$bound['AllowServiceRunning']
    if ($options['AllowServiceRunning']) { $RemoteParameters['AllowServiceRunning'] = $true }
    foreach ($name in 'Credential', 'ConfigurationName') {
        if ($bound[$name]) { $options[$name] = $bound[$name] }
    }
    return @{
        Options = $options
        # Database folder -> entries of { Request; Input; Mailbox; ResultData }.
        Local   = [ordered]@{}
        # Origin key (session or computer) -> the objects the remote cmdlet binds.
        Remote  = [ordered]@{}
        Origins = @{}
        # Servers whose KMS service was checked already, and what was found: one check per server and call.
        Checked = @{}
        # Remote batches under way, one remoting job each.
        Jobs    = [System.Collections.Generic.List[object]]::new()
        # The local batch kmsdb is changing while the next is read (Invoke-Kmsdb -Holder).
        InFlight = $null
        # How many records the next local batch holds at most, besides BatchSize: it doubles with each batch.
        Ramp    = 64
    }
}
