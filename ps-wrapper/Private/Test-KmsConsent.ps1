function Test-KmsConsent {
    <#
    .SYNOPSIS
    Asks ShouldProcess about one target; a confirmation that cannot be asked is a no, with an error that says what to pass.

    .DESCRIPTION
    In a script, an exception from ShouldProcess (a -NonInteractive session, a
    host with no user interface; here also a console whose input or output
    is redirected, a background job and a remote session) ends only its own statement, and the next one
    would go on to change the record. Here it is a no for that target, and a
    non-terminating error KmsConfirmationNotPossible (so $? is False) that
    names -Confirm:$false. Stopping the pipeline (Ctrl+C, Select-Object -First)
    is not caught.
    #>
    # A plain function, not an advanced one: it runs for every record, and binding an advanced function
    # costs about twice as much.
    [OutputType([bool])]
    param(
        [System.Management.Automation.PSCmdlet] $Cmdlet,

        # What the prompt names.
        [string] $Target,

        [string] $Action,

        # What the error names as its target: the input object.
        [AllowNull()]
        [object] $TargetObject
    )
    try {
        # A prompt of the console host whose input is redirected (echo | pwsh -File fix.ps1) takes its answer
        # from that input, and an empty line is the default, Yes: no person was asked. The cmdlets confirm
        # at ConfirmImpact High, so a prompt comes exactly when neither -WhatIf nor a ConfirmPreference of
        # None (-Confirm:$false, -Force) holds; both are the cmdlet's, seen here through its scope.
        if (-not $WhatIfPreference -and [string]$ConfirmPreference -ne 'None') {
            $unseen = $null
            if ($Host.Name -eq 'ConsoleHost' -and [Console]::IsInputRedirected) {
                $unseen = 'the input of this PowerShell is redirected, so no person would answer the prompt'
            } elseif ($Host.Name -eq 'ConsoleHost' -and [Console]::IsOutputRedirected) {
                # Its output redirected (pwsh -File fix.ps1 > out.txt), the console host writes the prompt into that
                # output: the person at the terminal sees none, and an Enter pressed there is the default, Yes.
                $unseen = 'the output of this PowerShell is redirected, so the prompt would go there and no person would see it'
            } elseif ($Host.Name -eq 'ServerRemoteHost') {
                # In a background job or a remote session the prompt goes to whatever receives it, which may be a
                # console that answers from its redirected input: there is no telling that a person would answer.
                $unseen = 'this is a background job or a remote session, whose prompt would be answered wherever it is received, perhaps by redirected input and not by a person; from your own console, -ComputerName or -Session asks there'
            }
            if ($unseen) { throw [System.Management.Automation.Host.HostException]::new($unseen) }
        }
        return [bool]$Cmdlet.ShouldProcess($Target, $Action)
    } catch [System.Management.Automation.PipelineStoppedException] {
        throw
    } catch {
        $reason = $_.Exception
        while ($reason.InnerException) { $reason = $reason.InnerException }
        if ($reason -is [System.Management.Automation.PipelineStoppedException]) { throw $reason }
        $message = '{0}: the change needs a confirmation, which cannot be asked here ({1}); nothing was changed. In an unattended run, pass -Confirm:$false (or -Force) to change records without asking.' -f $Target, $reason.Message.TrimEnd('.')
        Write-KmsError -Cmdlet $Cmdlet -Message $message -ErrorId 'KmsConfirmationNotPossible' -Category 'PermissionDenied' -TargetObject $TargetObject -RecommendedAction 'Run it interactively, or pass -Confirm:$false once you have checked what -WhatIf reports.'
        return $false
    }
}
