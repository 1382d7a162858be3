function Get-KmsChangePlan {
    <#
    .SYNOPSIS
    On a server that records came from: what Reset-KmsEnrollment or Restore-KmsEnrollment would change there, as planned objects; nothing is asked or changed.

    .DESCRIPTION
    The computer the records were piped on calls this in the module's scope
    (Invoke-KmsRemote -PlanOnly), so that it asks its user about exactly what
    this server's kmsdb would change, and nothing more. The cmdlet runs as it
    would here (the same parameters, database checks and batches), with
    -WhatIf, and kmsdb is asked for a what-if plan only: each record it would
    change or leave unchanged comes back as a KmsEnrollment.PlannedChange with
    the hashes it was planned on; a refused record is an error, as in a real
    run. The confirmed records then come back to the cmdlet with
    -Confirm:$false, each with those hashes, so that a record that changed in
    between is refused.
    #>
    [CmdletBinding()]
    param(
        [Parameter(Mandatory)]
        [ValidateSet('Reset-KmsEnrollment', 'Restore-KmsEnrollment')]
        [string] $Command,

        [Parameter(Mandatory)]
        [hashtable] $Parameters,

        [object[]] $InputObject
    )
    $bound = @{}
    foreach ($name in $Parameters.Keys) { if ($name -notin @('Confirm', 'WhatIf', 'Force')) { $bound[$name] = $Parameters[$name] } }
    $script:KmsPlanOnly = $true
    try {
        $InputObject | & $Command @bound -WhatIf
    } finally {
        $script:KmsPlanOnly = $false
    }
}
